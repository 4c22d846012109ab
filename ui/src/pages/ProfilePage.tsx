import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { ImageOff } from 'lucide-react';
import { useMe } from '../api/hooks';
import { useExplore, useProfile } from '../api/socialHooks';
import { Avatar, PublicImageGrid } from '../components/social/PublicImageCard';
import { FollowButton } from '../components/social/FollowButton';
import { ReportButton } from '../components/social/ReportButton';
import { useBlock } from '../api/socialHooks';
import { Ban, MessageSquare } from 'lucide-react';
import { EmptyState, ErrorState, PageSpinner } from '../components/ui';
import { formatDate } from '../lib/format';
import { useTitle } from '../lib/title';

/** A creator's page: who they are, their counts, a follow button and their public work. */
export function ProfilePage() {
  const { username } = useParams();
  useTitle(username ? `@${username}` : 'Profile');
  const me = useMe();
  const profile = useProfile(username);
  const userId = profile.data?.user.id;
  const work = useExplore({ creator_id: userId ?? '' }, !!userId);
  const items = useMemo(() => (userId ? (work.data?.pages.flatMap((p) => p.images) ?? []) : []), [work.data, userId]);

  if (profile.isPending) return <PageSpinner />;
  if (profile.isError)
    return <ErrorState className="min-h-[50vh]" error={profile.error} onRetry={() => void profile.refetch()} />;
  const p = profile.data;
  return (
    <div className="mx-auto max-w-[1600px] px-4 py-6 sm:px-6">
      <section className="card mb-6 flex flex-wrap items-center gap-5 p-5">
        <Avatar name={p.user.username} size="lg" />
        <div className="min-w-0">
          <h1 className="text-xl font-semibold">@{p.user.username}</h1>
          <p className="text-sm text-fg-muted">Joined {formatDate(p.joined_at)}</p>
          <dl className="mt-2 flex gap-5 text-sm">
            <div className="flex gap-1.5">
              <dt className="text-fg-muted">Followers</dt>
              <dd className="font-semibold tabular-nums">{p.followers}</dd>
            </div>
            <div className="flex gap-1.5">
              <dt className="text-fg-muted">Following</dt>
              <dd className="font-semibold tabular-nums">{p.following}</dd>
            </div>
          </dl>
        </div>
        {!p.own && !!me.data && (
          <div className="ml-auto flex flex-wrap items-start gap-2">
            {!p.blocked && <FollowButton userId={p.user.id} following={p.followed} />}
            {!p.blocked && (
              <Link to={`/messages?to=${encodeURIComponent(p.user.id)}&name=${encodeURIComponent(p.user.username)}`} className="btn-secondary h-8">
                <MessageSquare className="h-4 w-4" aria-hidden /> Message
              </Link>
            )}
            <BlockButton userId={p.user.id} blocked={p.blocked} />
            <ReportButton target="user" targetId={p.user.id} />
          </div>
        )}
      </section>
      <h2 className="mb-3 text-sm font-medium text-fg-muted">Public work</h2>
      {work.isPending ? (
        <PageSpinner />
      ) : items.length === 0 ? (
        <EmptyState icon={<ImageOff className="h-5 w-5" aria-hidden />} title="No public images yet" />
      ) : (
        <PublicImageGrid
          items={items}
          signedIn={!!me.data}
          hasMore={!!work.hasNextPage}
          loadingMore={work.isFetchingNextPage}
          onMore={() => void work.fetchNextPage()}
        />
      )}
    </div>
  );
}

/** Block / Unblock: a blocked account can neither follow you, comment on your images nor reach you. */
function BlockButton({ userId, blocked }: { userId: string; blocked: boolean }) {
  const block = useBlock();
  return (
    <button
      type="button"
      className="btn-ghost h-8"
      aria-pressed={blocked}
      disabled={block.isPending}
      title={blocked ? undefined : 'They will not be able to follow you, comment on your images or notify you'}
      onClick={() => block.mutate({ userId, block: !blocked })}
    >
      <Ban className="h-4 w-4" aria-hidden /> {blocked ? 'Unblock' : 'Block'}
    </button>
  );
}
