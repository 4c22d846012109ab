// Bulk selection: every image of the library a filter matches, asked of the server in one request so a
// selection reaches past the pages loaded.

import { useMutation } from '@tanstack/react-query';
import { useClient } from './context';
import type { ImagesQuery } from './types';

/** The ids (newest first, up to 10,000) of the caller's images the filter matches. */
export function useMatchingIds() {
  const client = useClient();
  return useMutation({
    mutationFn: (filters: Omit<ImagesQuery, 'before' | 'limit'>) => client.call('images.ids', filters),
  });
}
