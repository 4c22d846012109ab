// Tags: the owner's own words on their images, a filter of the library.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from './context';
import { keys } from './keys';
import type { TagImages, TagReview } from './types';

export const tagKeys = {
  all: ['tags'] as const,
  list: ['tags', 'list'] as const,
  image: (id: string) => ['tags', 'image', id] as const,
};

export function useTags() {
  const client = useClient();
  return useQuery({ queryKey: tagKeys.list, queryFn: () => client.call('tags.list', {}) });
}

export function useImageTags(imageId: string) {
  const client = useClient();
  return useQuery({ queryKey: tagKeys.image(imageId), queryFn: () => client.call('tags.of_image', { image_id: imageId }) });
}

/** Adds or removes tags on many images in one request; counts, image tags and tag-filtered lists are read again. */
export function useChangeTags(action: 'add' | 'remove') {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: TagImages) => client.call(action === 'add' ? 'tags.add' : 'tags.remove', input),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: tagKeys.all });
      void qc.invalidateQueries({ queryKey: keys.imagesAll, predicate: (q) => JSON.stringify(q.queryKey).includes('"tag"') });
    },
  });
}

/** Asks the tagger (a vision model, or the image's prompt offline) for tags; they wait as proposals. */
export function useSuggestTags(imageId: string) {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => client.call('tags.suggest', { image_id: imageId }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: tagKeys.image(imageId) }),
  });
}

/** Accepts proposals (they become tags) and rejects others (never proposed again) in one request. */
export function useReviewTags() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: TagReview) => client.call('tags.review', input),
    onSuccess: (out) => {
      qc.setQueryData(tagKeys.image(out.image_id), out);
      void qc.invalidateQueries({ queryKey: tagKeys.list });
      void qc.invalidateQueries({ queryKey: keys.imagesAll, predicate: (q) => JSON.stringify(q.queryKey).includes('"tag"') });
    },
  });
}
