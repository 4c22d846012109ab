import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient } from '../../api/client';
import { ClientProvider } from '../../api/context';
import { makeQueryClient } from '../../App';
import type { Collection } from '../../api/types';
import { FakeTransport } from '../../test/fakeTransport';
import { FakeDesktop } from '../../test/fakeDesktop';
import { SelectionActions } from './SelectionActions';

const harbours: Collection = {
  id: 'col_1',
  owner: { id: 'u1', username: 'ada' },
  title: 'Harbours',
  description: '',
  visibility: 'private',
  image_count: 0,
  price: 0,
  sales: 0,
  mine: true,
  unlocked: true,
  created_at: 0,
  updated_at: 0,
};

describe('Library selection actions', () => {
  it('tags, changes the privacy of and collects every selected image, each in one request', async () => {
    const transport = new FakeTransport([]);
    transport.handlers['collections.list'] = () => ({ collections: [harbours] });
    transport.handlers['collections.add_images'] = () => ({ ...harbours, image_count: 2 });
    transport.handlers['images.set_visibility'] = (input) => ({ changed: (input as { image_ids: string[] }).image_ids });
    transport.handlers['tags.add'] = () => ({ changed: 2 });
    render(
      <ClientProvider client={new ApiClient(transport)}>
        <QueryClientProvider client={makeQueryClient()}>
          <SelectionActions imageIds={['img_1', 'img_2']} />
        </QueryClientProvider>
      </ClientProvider>,
    );
    const user = userEvent.setup();
    const calls = (method: string) => transport.calls.filter(([m]) => m === method).map(([, i]) => i);

    await user.type(screen.getByRole('textbox', { name: 'Tag to add' }), 'Harbour{Enter}');
    expect(await screen.findByText('Tagged')).toBeInTheDocument();
    expect(calls('tags.add')).toEqual([{ image_ids: ['img_1', 'img_2'], tags: ['Harbour'] }]);

    await user.click(screen.getByRole('button', { name: 'Make public' }));
    expect(await screen.findByText('Now public')).toBeInTheDocument();
    expect(calls('images.set_visibility')).toEqual([{ image_ids: ['img_1', 'img_2'], visibility: 'public' }]);

    const collect = await screen.findByRole('combobox', { name: 'Add the selected images to a collection' });
    await user.selectOptions(collect, 'col_1');
    await waitFor(() => expect(calls('collections.add_images')).toEqual([{ collection_id: 'col_1', image_ids: ['img_1', 'img_2'] }]));
    expect(await screen.findByText('Added to Harbours')).toBeInTheDocument();
  });

  it('exports the selection as a zip by its ids, and refuses a selection too long for an address', () => {
    const ids = ['img_1', 'img_2'];
    const wrap = (imageIds: string[]) => (
      <ClientProvider client={new ApiClient(new FakeTransport([]))}>
        <QueryClientProvider client={makeQueryClient()}>
          <SelectionActions imageIds={imageIds} />
        </QueryClientProvider>
      </ClientProvider>
    );
    const { rerender } = render(wrap(ids));
    const link = screen.getByRole('link', { name: 'Export' });
    expect(link).toHaveAttribute('href', '/api/export/images.zip?ids=img_1%2Cimg_2');
    expect(link).toHaveAttribute('download');
    rerender(wrap(Array.from({ length: 301 }, (_, i) => `img_${i}`)));
    expect(screen.queryByRole('link', { name: 'Export' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Export' })).toBeDisabled();
  });

  it('on the desktop, exports the selection through the save dialog and counts the images written', async () => {
    const desktop = new FakeDesktop();
    const transport = new FakeTransport([]);
    transport.desktop = desktop;
    render(
      <ClientProvider client={new ApiClient(transport)}>
        <QueryClientProvider client={makeQueryClient()}>
          <SelectionActions imageIds={Array.from({ length: 400 }, (_, i) => `img_${i}`)} />
        </QueryClientProvider>
      </ClientProvider>,
    );
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Export' }));
    expect(await screen.findByText('Exported 2 images')).toBeInTheDocument();
    expect(desktop.exportImages).toHaveBeenCalledTimes(1);
    expect(desktop.exportImages.mock.calls[0]?.[0]).toEqual({ image_ids: Array.from({ length: 400 }, (_, i) => `img_${i}`) });
    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(desktop.revealPath).toHaveBeenCalledWith('/home/ada/Pictures/pixel-studio-export.zip');
  });
});
