import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ImageOff } from 'lucide-react';
import { useMe } from '../api/hooks';
import { useExplore, useProfile } from '../api/socialHooks';
import { Avatar, PublicImageGrid } from '../components/social/PublicImageCard';
import { FollowButton } from '../components/social/FollowButton';
import { ReportButton } from '../components/social/ReportButton';
import { TipButton } from '../components/credits/TipButton';
import { CollectionCard } from '../components/collections/CollectionCard';
import { StyleCard } from '../components/style/StyleCard';
import { useCollections } from '../api/collectionHooks';
import { useBlock, useUpdateProfile } from '../api/socialHooks';
import { Ban, MessageSquare, Pencil } from 'lucide-react';
import { EmptyState, ErrorBanner, ErrorState, PageSpinner } from '../components/ui';
import type { Profile } from '../api/types';
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
  const [editing, setEditing] = useState(false);

  if (profile.isPending) return <PageSpinner />;
  if (profile.isError)
    return <ErrorState className="min-h-[50vh]" error={profile.error} onRetry={() => void profile.refetch()} />;
  const p = profile.data;
  return (
    <div className="mx-auto max-w-[1600px] px-4 py-6 sm:px-6">
      <section className="card mb-6 flex flex-wrap items-center gap-5 p-5">
        <Avatar name={p.user.username} size="lg" url={p.avatar_url} />
        <div className="min-w-0">
          <h1 className="text-xl font-semibold">@{p.user.username}</h1>
          <p className="text-sm text-fg-muted">Joined {formatDate(p.joined_at)}</p>
          {p.bio && <p className="mt-2 max-w-xl whitespace-pre-line text-sm">{p.bio}</p>}
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
            {!p.blocked && <TipButton userId={p.user.id} username={p.user.username} />}
            <BlockButton userId={p.user.id} blocked={p.blocked} />
            <ReportButton target="user" targetId={p.user.id} />
          </div>
        )}
        {p.own && !editing && (
          <button type="button" className="btn-secondary ml-auto h-8" onClick={() => setEditing(true)}>
            <Pencil className="h-4 w-4" aria-hidden /> Edit profile
          </button>
        )}
      </section>
      {p.own && editing && <ProfileEditor profile={p} onDone={() => setEditing(false)} />}
      <StyleCard className="mb-6" userId={p.user.id} title="Style" />
      <ProfileCollections userId={p.user.id} />
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

const BIO_MAX = 280;

/** The owner's bio and picture; the picture is chosen on one of their public images' pages. */
function ProfileEditor({ profile, onDone }: { profile: Profile; onDone: () => void }) {
  const update = useUpdateProfile(profile.user.username);
  const [bio, setBio] = useState(profile.bio);
  const left = BIO_MAX - [...bio.trim()].length;
  return (
    <form
      className="card mb-6 max-w-xl p-5"
      aria-label="Edit profile"
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate({ bio }, { onSuccess: onDone });
      }}
    >
      <label htmlFor="bio" className="mb-1.5 block text-sm font-medium">
        Bio
      </label>
      <textarea
        id="bio"
        className="input min-h-24 w-full"
        value={bio}
        maxLength={BIO_MAX + 40}
        onChange={(e) => setBio(e.target.value)}
        placeholder="A line or two about you and your work"
      />
      <p className={left < 0 ? 'mt-1 text-xs text-red-600 dark:text-red-400' : 'mt-1 text-xs text-fg-muted'}>
        {left < 0 ? `${-left} characters too many` : `${left} characters left`}
      </p>
      <div className="mt-4 flex items-center gap-3 text-sm">
        <Avatar name={profile.user.username} url={profile.avatar_url} />
        {profile.avatar_url ? (
          <button
            type="button"
            className="btn-ghost h-8"
            disabled={update.isPending}
            onClick={() => update.mutate({ avatar: { kind: 'none' } })}
          >
            Remove picture
          </button>
        ) : (
          <span className="text-fg-muted">Pick a picture on one of your public images: “Use as profile picture”.</span>
        )}
      </div>
      {update.error && <ErrorBanner className="mt-3" error={update.error} />}
      <div className="mt-4 flex gap-2">
        <button type="submit" className="btn-primary h-8" disabled={update.isPending || left < 0}>
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="btn-ghost h-8" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A creator's public collections (their own page shows their private ones too), when there are any. */
function ProfileCollections({ userId }: { userId: string }) {
  const list = useCollections(userId);
  const items = list.data?.pages.flatMap((p) => p.collections) ?? [];
  if (items.length === 0) return null;
  return (
    <section className="mb-8" aria-label="Collections">
      <h2 className="mb-3 text-sm font-medium text-fg-muted">Collections</h2>
      <div className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-5 xl:grid-cols-6">
        {items.slice(0, 12).map((c) => (
          <CollectionCard key={c.id} collection={c} />
        ))}
      </div>
    </section>
  );
}
