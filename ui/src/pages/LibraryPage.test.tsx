import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeTransport } from '../test/fakeTransport';
import { image, me } from '../test/fixtures';
import { renderApp } from '../test/renderApp';

describe('Library', () => {
  it('shows how many images the library keeps and the space they take', async () => {
    const transport = new FakeTransport([]);
    transport.me = vi.fn(async () => me());
    const usage = { images: 1204, bytes: 812 * 1024 * 1024 };
    transport.handlers['storage.usage'] = () => usage;
    transport.handlers['images.list'] = () => ({ images: [] });
    renderApp(transport, '/library');
    expect(await screen.findByLabelText('Space used')).toHaveTextContent('1,204 images · 812.0 MB');
  });

  it('keeps only videos, or only images, when asked', async () => {
    const transport = new FakeTransport([]);
    transport.me = vi.fn(async () => me());
    transport.handlers['storage.usage'] = () => ({ images: 2, bytes: 2048 });
    transport.handlers['images.list'] = (input) =>
      (input as { media?: string }).media === 'video'
        ? { images: [image({ id: 'clip_1', mime: 'video/mp4' })] }
        : { images: [image()] };
    renderApp(transport, '/library');
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByLabelText('Images or videos'), 'Videos only');
    await waitFor(() =>
      expect(transport.calls).toContainEqual(['images.list', expect.objectContaining({ media: 'video' })]),
    );
  });
});
