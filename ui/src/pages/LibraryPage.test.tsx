import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import { FakeTransport } from '../test/fakeTransport';
import { me } from '../test/fixtures';
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
});
