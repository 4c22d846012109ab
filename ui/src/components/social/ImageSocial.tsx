import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { CornerDownRight, Heart, MessageCircle, Pencil, Trash2 } from 'lucide-react';
import type { Comment, Me } from '../../api/types';
import {
  threaded,
  useAddComment,
  useComments,
  useDeleteComment,
  useEditComment,
  useLikeComment,
  useLikeImage,
  usePublicImage,
} from '../../api/socialHooks';
import { Avatar } from './PublicImageCard';
import { FollowButton } from './FollowButton';
import { ReportButton } from './ReportButton';
import { TipButton } from '../credits/TipButton';
import { ErrorBanner, Spinner } from '../ui';
import { cn, formatRelative } from '../../lib/format';

const MAX_COMMENT = 500;

/** The social side of an image page: its creator, likes and the comment threads. */
export function ImageSocial({ imageId, me, ownerId }: { imageId: string; me: Me | null | undefined; ownerId: string }) {
  const publicImage = usePublicImage(imageId);
  const like = useLikeImage();
  const signedIn = !!me;
  const p = publicImage.data;
  return (
    <section className="card p-4" aria-label="Likes and comments">
      {p && (
        <div className="mb-3 flex items-center gap-3">
          <Link to={`/u/${p.creator.username}`} className="flex min-w-0 items-center gap-2 text-sm font-medium hover:underline">
            <Avatar name={p.creator.username} url={p.creator.avatar_url} />
            <span className="truncate">{p.creator.username}</span>
          </Link>
          {signedIn && me.id !== p.creator.id && <FollowButton userId={p.creator.id} following={p.following} />}
          {signedIn && me.id !== p.creator.id && (
            <TipButton userId={p.creator.id} username={p.creator.username} imageId={imageId} />
          )}
          <button
            type="button"
            className={cn('btn-ghost ml-auto h-8 px-2 tabular-nums', p.liked && 'text-rose-500')}
            aria-pressed={p.liked}
            aria-label={p.liked ? `Unlike (${p.likes} likes)` : `Like (${p.likes} likes)`}
            disabled={!signedIn || like.isPending}
            title={signedIn ? undefined : 'Sign in to like'}
            onClick={() => like.mutate({ imageId, like: !p.liked })}
          >
            <Heart className={cn('h-4 w-4', p.liked && 'fill-current')} aria-hidden /> {p.likes}
          </button>
          {signedIn && me.id !== p.creator.id && <ReportButton target="image" targetId={imageId} compact />}
        </div>
      )}
      {like.error && <ErrorBanner className="mb-3" error={like.error} />}
      <Comments imageId={imageId} me={me} ownerId={ownerId} />
    </section>
  );
}

function Comments({ imageId, me, ownerId }: { imageId: string; me: Me | null | undefined; ownerId: string }) {
  const comments = useComments(imageId);
  const add = useAddComment(imageId);
  const [body, setBody] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) return;
    add.mutate({ body }, { onSuccess: () => setBody('') });
  };
  const rows = comments.data ? threaded(comments.data.comments) : [];
  return (
    <div>
      <h2 className="mb-2 flex items-center gap-1.5 text-xs font-medium uppercase tracking-wider text-fg-subtle">
        <MessageCircle className="h-3.5 w-3.5" aria-hidden /> Comments
      </h2>
      {comments.isPending ? (
        <Spinner />
      ) : comments.isError ? (
        <ErrorBanner error={comments.error} />
      ) : rows.length === 0 ? (
        <p className="text-sm text-fg-muted">No comments yet.</p>
      ) : (
        <ul className="space-y-2" aria-label="Comments">
          {rows.map(({ comment, depth }) => (
            <CommentRow key={comment.id} comment={comment} depth={depth} imageId={imageId} me={me} ownerId={ownerId} />
          ))}
        </ul>
      )}
      {me ? (
        <form className="mt-3" onSubmit={submit}>
          <label htmlFor="new-comment" className="sr-only">
            Add a comment
          </label>
          <textarea
            id="new-comment"
            className="input min-h-[64px] py-2"
            placeholder="Add a comment — @name mentions someone"
            maxLength={MAX_COMMENT}
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
          <div className="mt-2 flex items-center justify-between">
            <span className="text-xs text-fg-subtle tabular-nums">
              {body.length}/{MAX_COMMENT}
            </span>
            <button type="submit" className="btn-primary h-8" disabled={add.isPending || !body.trim()}>
              {add.isPending ? 'Posting…' : 'Comment'}
            </button>
          </div>
          {add.error && <ErrorBanner className="mt-2" error={add.error} />}
        </form>
      ) : (
        <p className="mt-3 text-sm text-fg-muted">Sign in to comment.</p>
      )}
    </div>
  );
}

function CommentRow({
  comment,
  depth,
  imageId,
  me,
  ownerId,
}: {
  comment: Comment;
  depth: number;
  imageId: string;
  me: Me | null | undefined;
  ownerId: string;
}) {
  const [mode, setMode] = useState<'view' | 'reply' | 'edit'>('view');
  const [text, setText] = useState('');
  const reply = useAddComment(imageId);
  const edit = useEditComment(imageId);
  const del = useDeleteComment(imageId);
  const like = useLikeComment(imageId);
  const author = comment.author;
  const mine = !!me && author?.id === me.id;
  const mayDelete = !!me && !comment.deleted && (mine || me.id === ownerId || me.role === 'admin');
  const save = (e: FormEvent) => {
    e.preventDefault();
    const done = { onSuccess: () => setMode('view') };
    if (mode === 'reply') reply.mutate({ body: text, parentId: comment.id }, done);
    else edit.mutate({ commentId: comment.id, body: text }, done);
  };
  const error = reply.error ?? edit.error ?? del.error ?? like.error;
  return (
    <li id={`comment-${comment.id}`} style={{ marginLeft: `${Math.min(depth, 6) * 16}px` }} className={cn(depth > 0 && 'border-l border-line pl-3')}>
      <div className="flex items-center gap-2 text-xs text-fg-subtle">
        {depth > 0 && <CornerDownRight className="h-3 w-3" aria-hidden />}
        {author ? (
          <Link to={`/u/${author.username}`} className="flex items-center gap-1.5 font-medium text-fg hover:underline">
            <Avatar name={author.username} url={author.avatar_url} />
            {author.username}
          </Link>
        ) : (
          <span className="italic">deleted</span>
        )}
        <span>{formatRelative(comment.created_at)}</span>
        {comment.edited_at && <span>(edited)</span>}
      </div>
      {comment.deleted ? (
        <p className="text-sm italic text-fg-subtle">This comment was deleted.</p>
      ) : mode === 'edit' || mode === 'reply' ? null : (
        <p className="whitespace-pre-wrap break-words text-sm">{comment.body}</p>
      )}
      {!comment.deleted && mode === 'view' && me && (
        <div className="mt-0.5 flex gap-1 text-xs">
          <button
            type="button"
            className={cn('btn-ghost h-6 px-1.5 text-xs', comment.liked && 'text-rose-500')}
            aria-pressed={comment.liked}
            aria-label={`${comment.liked ? 'Unlike' : 'Like'} comment (${comment.likes})`}
            onClick={() => like.mutate({ commentId: comment.id, like: !comment.liked })}
          >
            <Heart className={cn('h-3 w-3', comment.liked && 'fill-current')} aria-hidden /> {comment.likes}
          </button>
          <button type="button" className="btn-ghost h-6 px-1.5 text-xs" onClick={() => { setText(''); setMode('reply'); }}>
            Reply
          </button>
          {mine && (
            <button type="button" className="btn-ghost h-6 px-1.5 text-xs" aria-label="Edit comment" onClick={() => { setText(comment.body); setMode('edit'); }}>
              <Pencil className="h-3 w-3" aria-hidden />
            </button>
          )}
          {!mine && <ReportButton target="comment" targetId={comment.id} compact />}
          {mayDelete && (
            <button type="button" className="btn-ghost h-6 px-1.5 text-xs" aria-label="Delete comment" disabled={del.isPending} onClick={() => del.mutate(comment.id)}>
              <Trash2 className="h-3 w-3" aria-hidden />
            </button>
          )}
        </div>
      )}
      {(mode === 'reply' || mode === 'edit') && (
        <form className="mt-1" onSubmit={save}>
          {mode === 'edit' ? null : <p className="text-sm">{comment.body}</p>}
          <label htmlFor={`text-${comment.id}`} className="sr-only">
            {mode === 'reply' ? 'Your reply' : 'Edit comment'}
          </label>
          <textarea
            id={`text-${comment.id}`}
            className="input mt-1 min-h-[56px] py-2"
            maxLength={MAX_COMMENT}
            value={text}
            autoFocus
            placeholder={mode === 'reply' ? `Reply to ${author?.username ?? 'this comment'}` : undefined}
            onChange={(e) => setText(e.target.value)}
          />
          <div className="mt-1 flex justify-end gap-2">
            <button type="button" className="btn-ghost h-7 text-xs" onClick={() => setMode('view')}>
              Cancel
            </button>
            <button type="submit" className="btn-primary h-7 text-xs" disabled={!text.trim() || reply.isPending || edit.isPending}>
              {mode === 'reply' ? 'Reply' : 'Save'}
            </button>
          </div>
        </form>
      )}
      {error && <ErrorBanner className="mt-1" error={error} />}
    </li>
  );
}
