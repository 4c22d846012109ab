import { describe, expect, it } from 'vitest';
import { renderHook, waitFor } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiClient } from './client';
import { ClientProvider } from './context';
import { makeQueryClient } from '../App';
import { NEXT_PAGE_SIZE, PAGE_SIZE, useImage, useImages, useLiveEvents, useSet } from './hooks';
import { image } from '../test/fixtures';
import { FakeTransport } from '../test/fakeTransport';
import type { StatusListener } from './client';

class LibraryTransport extends FakeTransport {
  override async call(method: string, input: unknown): Promise<unknown> {
    if (method === 'images.list') {
      this.calls.push([method, input]);
      const { before } = input as { before?: string };
      return before ? { images: [image({ id: 'img_2' })] } : { images: [image({ id: 'img_1' })], next: 'img_1' };
    }
    return super.call(method, input);
  }
}

function setup() {
  const transport = new LibraryTransport([]);
  const qc = makeQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ClientProvider client={new ApiClient(transport)}>
      <QueryClientProvider client={qc}>{children}</QueryClientProvider>
    </ClientProvider>
  );
  return { transport, wrapper };
}

describe('library hooks', () => {
  it('pages with a small first page, then the largest page', async () => {
    const { transport, wrapper } = setup();
    const { result } = renderHook(() => useImages({}), { wrapper });
    await waitFor(() => expect(result.current.data?.pages).toHaveLength(1));
    await result.current.fetchNextPage();
    await waitFor(() => expect(result.current.data?.pages).toHaveLength(2));
    expect(transport.calls.map(([, i]) => i)).toEqual([{ limit: PAGE_SIZE }, { limit: NEXT_PAGE_SIZE, before: 'img_1' }]);
  });

  it('opens an image held by a loaded library page without asking the server', async () => {
    const { transport, wrapper } = setup();
    const lib = renderHook(() => useImages({}), { wrapper });
    await waitFor(() => expect(lib.result.current.data).toBeDefined());
    const { result } = renderHook(() => useImage('img_1'), { wrapper });
    expect(result.current.data?.id).toBe('img_1');
    expect(transport.calls.filter(([m]) => m === 'images.get')).toHaveLength(0);
  });
});

/** A set whose images finish while the event stream is still opening. */
class LateStreamTransport extends FakeTransport {
  setReads = 0;
  opened: StatusListener | undefined;
  override async call(method: string, input: unknown): Promise<unknown> {
    if (method === 'sets.get') {
      this.setReads += 1;
      const done = this.setReads === 1 ? 2 : 3;
      return { set: { id: 'set_1' }, jobs: [], images: Array.from({ length: done }, (_, i) => image({ id: `img_${i}` })) };
    }
    return super.call(method, input);
  }
  override subscribe(_listener: Parameters<FakeTransport['subscribe']>[0], onStatus?: StatusListener): () => void {
    this.opened = onStatus;
    onStatus?.('connecting');
    return () => undefined;
  }
}

describe('live events', () => {
  it('reads a page again when the stream opens after it was read, so what finished between shows', async () => {
    const transport = new LateStreamTransport([]);
    const qc = makeQueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <ClientProvider client={new ApiClient(transport)}>
        <QueryClientProvider client={qc}>{children}</QueryClientProvider>
      </ClientProvider>
    );
    const { result } = renderHook(
      () => {
        useLiveEvents(true);
        return useSet('set_1');
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.data?.images).toHaveLength(2));
    transport.opened?.('open');
    await waitFor(() => expect(result.current.data?.images).toHaveLength(3));
  });
});
