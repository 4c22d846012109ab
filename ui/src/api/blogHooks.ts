// The blog: published posts for everyone (by category or tag, one post by its address), and the admins'
// side — every post with drafts, saving, publishing, taking back, deleting and previewing markdown.
// Every change refreshes both the admins' list and what readers see.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from './context';
import type { BlogListQuery, DeletePost, PublishPost, SavePost } from './types';

export const blogKeys = {
  all: ['blog'] as const,
  list: (query: BlogListQuery) => ['blog', 'list', query] as const,
  post: (slug: string) => ['blog', 'post', slug] as const,
  admin: ['blog', 'admin'] as const,
};

/** Published posts, newest first. */
export function useBlogPosts(query: BlogListQuery) {
  const client = useClient();
  return useQuery({ queryKey: blogKeys.list(query), queryFn: () => client.call('blog.list', { ...query, limit: 50 }) });
}

export function useBlogPost(slug: string) {
  const client = useClient();
  return useQuery({ queryKey: blogKeys.post(slug), queryFn: () => client.call('blog.get', { slug }) });
}

/** Loads one post whole (its markdown) to edit it, fresh, through the cache its readers share;
 * admins read drafts too. */
export function useLoadPost() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (slug: string) => qc.fetchQuery({ queryKey: blogKeys.post(slug), queryFn: () => client.call('blog.get', { slug }), staleTime: 0 }),
  });
}

/** Every post, drafts included, last changed first (admins). */
export function useAdminPosts() {
  const client = useClient();
  return useQuery({ queryKey: blogKeys.admin, queryFn: () => client.call('admin.blog.list', { limit: 200 }) });
}

function useBlogChange<T, R>(run: (input: T) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: blogKeys.all });
      // The audit log shows the change.
      void qc.invalidateQueries({ queryKey: ['admin'] });
    },
  });
}

export function useSavePost() {
  const client = useClient();
  return useBlogChange((input: SavePost) => client.call('admin.blog.save', input));
}

export function usePublishPost() {
  const client = useClient();
  return useBlogChange((input: PublishPost) => client.call('admin.blog.publish', input));
}

export function useDeletePost() {
  const client = useClient();
  return useBlogChange((input: DeletePost) => client.call('admin.blog.delete', input));
}

/** The markdown as readers would see it, before saving. */
export function usePreview() {
  const client = useClient();
  return useMutation({ mutationFn: (body: string) => client.call('admin.blog.preview', { body }) });
}
