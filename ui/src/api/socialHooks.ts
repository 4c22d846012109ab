// React hooks for the social area: explore, the following feed, an image's public page, likes, comments,
// follows, profiles and notifications. Live `notification.created` events land through `applySocialEvent`.

import {
  infiniteQueryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';
import { useClient } from './context';
import { engagementKeys } from './engagementHooks';
import type { ApiClient } from './client';
import type {
  Comment,
  ExploreQuery,
  NewReport,
  Notification,
  NotificationsOutput,
  PublicImage,
  Profile,
  PublicImagesOutput,
  TrendPeriod,
  UpdateProfile,
} from './types';

export type ExploreFilters = Omit<ExploreQuery, 'before' | 'limit'>;

/** Query keys of this area; `social` is their common root, so signing out drops them with the rest. */
export const socialKeys = {
  explore: (filters: ExploreFilters) => ['social', 'explore', filters] as const,
  feed: ['social', 'feed'] as const,
  lists: ['social'] as const,
  image: (id: string) => ['social', 'image', id] as const,
  comments: (imageId: string) => ['social', 'comments', imageId] as const,
  profile: (username: string) => ['social', 'profile', username] as const,
  remixes: (imageId: string) => ['social', 'remixes', imageId] as const,
  moreFrom: (creatorId: string) => ['social', 'more', creatorId] as const,
  notifications: ['notifications'] as const,
  conversations: ['messages', 'conversations'] as const,
  thread: (conversationId: string) => ['messages', 'thread', conversationId] as const,
};

const EXPLORE_PAGE = 48;

function exploreQuery(client: ApiClient, filters: ExploreFilters) {
  return infiniteQueryOptions({
    queryKey: socialKeys.explore(filters),
    queryFn: ({ pageParam }) =>
      client.call('explore.list', { ...filters, limit: EXPLORE_PAGE, ...(pageParam ? { before: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last: PublicImagesOutput) => last.next ?? undefined,
  });
}

export function useExplore(filters: ExploreFilters, enabled = true) {
  return useInfiniteQuery({ ...exploreQuery(useClient(), filters), enabled });
}

export function useFeed(enabled: boolean) {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: socialKeys.feed,
    queryFn: ({ pageParam }) =>
      client.call('feed.list', { limit: EXPLORE_PAGE, ...(pageParam ? { before: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last: PublicImagesOutput) => last.next ?? undefined,
    enabled,
  });
}

export function usePublicImage(imageId: string | undefined, enabled = true) {
  const client = useClient();
  return useQuery({
    queryKey: socialKeys.image(imageId ?? ''),
    queryFn: () => client.call('explore.image', { image_id: imageId ?? '' }),
    enabled: !!imageId && enabled,
  });
}

/** Accounts whose username starts with `text` (nothing is asked for an empty box). */
export function usePeopleSearch(text: string) {
  const client = useClient();
  return useQuery({
    queryKey: ['social', 'people', text] as const,
    queryFn: () => client.call('profiles.search', { text, limit: 30 }),
    enabled: text.length > 0,
  });
}

/** The period's trending creators (ranked every minute on the server). */
export function useTrendingCreators(period: TrendPeriod, enabled: boolean) {
  const client = useClient();
  return useQuery({
    queryKey: ['social', 'creators', period] as const,
    queryFn: () => client.call('explore.creators', { period, limit: 12 }),
    enabled,
  });
}

/** The first public remixes of an image, for its page. */
export function useRemixes(imageId: string | undefined) {
  const client = useClient();
  return useQuery({
    queryKey: socialKeys.remixes(imageId ?? ''),
    queryFn: () => client.call('explore.remixes', { image_id: imageId ?? '', limit: 8 }),
    enabled: !!imageId,
  });
}

/** A creator's newest public images, for the "more from" strip of an image page. */
export function useMoreFrom(creatorId: string | undefined) {
  const client = useClient();
  return useQuery({
    queryKey: socialKeys.moreFrom(creatorId ?? ''),
    queryFn: () => client.call('explore.list', { creator_id: creatorId ?? '', limit: 9 }),
    enabled: !!creatorId,
  });
}

/** Puts a like's answer into every loaded copy of the image: its page and any explore or feed page. */
function applyLike(qc: QueryClient, imageId: string, liked: boolean, likes: number) {
  const patch = (p: PublicImage): PublicImage => (p.image.id === imageId ? { ...p, liked, likes } : p);
  qc.setQueryData<PublicImage>(socialKeys.image(imageId), (old) => (old ? patch(old) : old));
  qc.setQueriesData<InfiniteData<PublicImagesOutput>>({ queryKey: socialKeys.lists }, (old) =>
    old && Array.isArray(old.pages)
      ? { ...old, pages: old.pages.map((page) => ({ ...page, images: page.images.map(patch) })) }
      : old,
  );
}

export function useLikeImage() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ imageId, like }: { imageId: string; like: boolean }) =>
      client.call(like ? 'likes.like_image' : 'likes.unlike_image', { image_id: imageId }),
    onSuccess: (out, { imageId }) => applyLike(qc, imageId, out.liked, out.likes),
  });
}

export function useComments(imageId: string | undefined, enabled = true) {
  const client = useClient();
  return useQuery({
    queryKey: socialKeys.comments(imageId ?? ''),
    queryFn: () => client.call('comments.list', { image_id: imageId ?? '', limit: 500 }),
    enabled: !!imageId && enabled,
  });
}

/** Any change to a thread: the thread and the image's counts are read again. */
function commentsChanged(qc: QueryClient, imageId: string) {
  void qc.invalidateQueries({ queryKey: socialKeys.comments(imageId) });
  void qc.invalidateQueries({ queryKey: socialKeys.image(imageId) });
}

export function useAddComment(imageId: string) {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ body, parentId }: { body: string; parentId?: string }) =>
      client.call('comments.create', { image_id: imageId, body, ...(parentId ? { parent_id: parentId } : {}) }),
    onSuccess: () => commentsChanged(qc, imageId),
  });
}

export function useEditComment(imageId: string) {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ commentId, body }: { commentId: string; body: string }) =>
      client.call('comments.edit', { comment_id: commentId, body }),
    onSuccess: () => commentsChanged(qc, imageId),
  });
}

export function useDeleteComment(imageId: string) {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (commentId: string) => client.call('comments.delete', { comment_id: commentId }),
    onSuccess: () => commentsChanged(qc, imageId),
  });
}

export function useLikeComment(imageId: string) {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ commentId, like }: { commentId: string; like: boolean }) =>
      client.call(like ? 'likes.like_comment' : 'likes.unlike_comment', { comment_id: commentId }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: socialKeys.comments(imageId) }),
  });
}

export function useProfile(username: string | undefined) {
  const client = useClient();
  return useQuery({
    queryKey: socialKeys.profile(username ?? ''),
    queryFn: () => client.call('profiles.get', { username: username ?? '' }),
    enabled: !!username,
  });
}

/** Changes the caller's bio or picture; their own profile page shows the answer at once. */
export function useUpdateProfile(username: string | undefined) {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateProfile) => client.call('profiles.update', input),
    onSuccess: (shown) => {
      if (!username) return;
      qc.setQueryData<Profile>(socialKeys.profile(username), (old) =>
        old ? { ...old, bio: shown.bio, avatar_url: shown.avatar_url } : old,
      );
    },
  });
}

export function useFollow() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, follow }: { userId: string; follow: boolean }) =>
      client.call(follow ? 'follows.follow' : 'follows.unfollow', { user_id: userId }),
    // Profiles, the feed and image pages all show follow state or followees' work.
    onSuccess: () => void qc.invalidateQueries({ queryKey: socialKeys.lists }),
  });
}

export function useBlock() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, block }: { userId: string; block: boolean }) =>
      client.call(block ? 'blocks.block' : 'blocks.unblock', { user_id: userId }),
    // A block ends follows both ways: profiles and the feed change.
    onSuccess: () => void qc.invalidateQueries({ queryKey: socialKeys.lists }),
  });
}

export function useReport() {
  const client = useClient();
  return useMutation({ mutationFn: (report: NewReport) => client.call('reports.create', report) });
}

export function useNotifications(enabled: boolean) {
  const client = useClient();
  return useQuery({
    queryKey: socialKeys.notifications,
    queryFn: () => client.call('notifications.list', { limit: 100 }),
    enabled,
  });
}

export function useMarkNotificationsRead() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids?: string[]) => client.call('notifications.mark_read', ids ? { ids } : {}),
    onSuccess: () => void qc.invalidateQueries({ queryKey: socialKeys.notifications }),
  });
}

export function useDeleteNotifications() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => client.call('notifications.delete', { ids }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: socialKeys.notifications }),
  });
}

export function useConversations(enabled: boolean) {
  const client = useClient();
  return useQuery({
    queryKey: socialKeys.conversations,
    queryFn: () => client.call('messages.conversations', { limit: 100 }),
    enabled,
  });
}

export function useThread(conversationId: string | undefined) {
  const client = useClient();
  return useQuery({
    queryKey: socialKeys.thread(conversationId ?? ''),
    queryFn: () => client.call('messages.list', { conversation_id: conversationId ?? '', limit: 200 }),
    enabled: !!conversationId,
  });
}

export function useSendMessage() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ to, body }: { to: string; body: string }) => client.call('messages.send', { to_user_id: to, body }),
    onSuccess: (message) => messageArrived(qc, message.conversation_id),
  });
}

export function useMarkConversationRead() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (conversationId: string) => client.call('messages.mark_read', { conversation_id: conversationId }),
    onSuccess: (out) => qc.setQueryData(socialKeys.conversations, out),
  });
}

/** A message sent or received (here or pushed live): its thread and the inbox are read again. */
export function messageArrived(qc: QueryClient, conversationId: string): void {
  void qc.invalidateQueries({ queryKey: socialKeys.thread(conversationId) });
  void qc.invalidateQueries({ queryKey: socialKeys.conversations });
}

/** A notification pushed live: on top of the list, the unread count up by one. */
export function applyNotification(qc: QueryClient, notification: Notification): void {
  qc.setQueryData<NotificationsOutput>(socialKeys.notifications, (old) =>
    old && !old.notifications.some((n) => n.id === notification.id)
      ? { ...old, notifications: [notification, ...old.notifications], unread: old.unread + 1 }
      : old,
  );
  // Not loaded yet: the next read fetches it, count included.
  if (!qc.getQueryData(socialKeys.notifications)) void qc.invalidateQueries({ queryKey: socialKeys.notifications });
  // An unlock anywhere (a like, a follow, a finished image) shows on the achievements page at once.
  if (notification.kind === 'achievement_unlocked' || notification.kind === 'streak_milestone') {
    void qc.invalidateQueries({ queryKey: engagementKeys.achievements });
  }
}

/** Threads as the page shows them: each comment followed by its replies, with its depth. */
export function threaded(comments: Comment[]): Array<{ comment: Comment; depth: number }> {
  const children = new Map<string, Comment[]>();
  const ids = new Set(comments.map((c) => c.id));
  const roots: Comment[] = [];
  for (const c of comments) {
    // A reply whose parent is not in the list (gone) is shown at the top level rather than lost.
    if (c.parent_id && ids.has(c.parent_id)) {
      const list = children.get(c.parent_id) ?? [];
      list.push(c);
      children.set(c.parent_id, list);
    } else roots.push(c);
  }
  const out: Array<{ comment: Comment; depth: number }> = [];
  const walk = (c: Comment, depth: number) => {
    out.push({ comment: c, depth });
    for (const r of children.get(c.id) ?? []) walk(r, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  return out;
}
