import { describe, expect, it } from 'vitest';
import { exportUrl } from './exportUrl';

describe('exportUrl', () => {
  it('is the whole library with no filter', () => {
    expect(exportUrl({})).toBe('/api/export/images.zip');
  });

  it('carries a filter field by field, leaving out empty ones', () => {
    const url = new URL(exportUrl({ text: 'harbour at dawn', tag: 'golden hour', model: '', from: 1700000000000 }), 'http://x');
    expect(url.pathname).toBe('/api/export/images.zip');
    expect(Object.fromEntries(url.searchParams)).toEqual({ text: 'harbour at dawn', tag: 'golden hour', from: '1700000000000' });
  });

  it('names chosen images as one comma-separated ids parameter', () => {
    expect(exportUrl({ image_ids: ['a', 'b', 'c'] })).toBe('/api/export/images.zip?ids=a%2Cb%2Cc');
  });

  it('is the account export for the whole account', () => {
    expect(exportUrl({ whole_account: true })).toBe('/api/export/account.zip');
  });
});
