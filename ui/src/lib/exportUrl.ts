// The address of a library export (`GET /api/export/images.zip`): chosen images by id, or a library filter;
// or of the whole account's (`GET /api/export/account.zip`).

import type { ExportQuery } from '../api/types';

/** The most images a selection exports by id: their ids travel in the address. Beyond it, export a filter. */
export const MAX_EXPORT_SELECTION = 300;

export function exportUrl(query: ExportQuery): string {
  if (query.whole_account) return '/api/export/account.zip';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [keyof ExportQuery, ExportQuery[keyof ExportQuery]][]) {
    if (value === undefined || value === '') continue;
    params.set(key === 'image_ids' ? 'ids' : key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const qs = params.toString();
  return `/api/export/images.zip${qs ? `?${qs}` : ''}`;
}
