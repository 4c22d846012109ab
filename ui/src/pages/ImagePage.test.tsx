import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient, ApiError } from '../api/client';
import { ClientProvider } from '../api/context';
import { AppRoutes, makeQueryClient } from '../App';
import { FakeTransport } from '../test/fakeTransport';
import { FakeDesktop } from '../test/fakeDesktop';
import { catalogue, gen4Turbo, image, me } from '../test/fixtures';
import type { SetVisibility } from '../api/types';

/** The desktop transport's media mapping, over the fake. */
class DesktopTransport extends FakeTransport {
  mediaUrl(path: string): string {
    return `pixel://localhost${path}`;
  }
}

function renderImage(transport: FakeTransport, defaultImage = true) {
  if (defaultImage) transport.handlers['images.get'] = () => image();
  render(
    <ClientProvider client={new ApiClient(transport)}>
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter initialEntries={['/images/img_1']}>
          <AppRoutes />
        </MemoryRouter>
      </QueryClientProvider>
    </ClientProvider>,
  );
  return userEvent.setup();
}

describe('Image page download', () => {
  it('is a plain download link on the web', async () => {
    renderImage(new FakeTransport([]));
    const link = await screen.findByRole('link', { name: 'Download' });
    expect(link).toHaveAttribute('href', '/media/img_1');
    expect(link).toHaveAttribute('download', 'pixel-img_1.png');
    expect(screen.getByRole('img', { name: 'a cat' })).toHaveAttribute('src', '/media/img_1');
  });

  it('plays a video and gives its length, frames and codec as FFmpeg read them', async () => {
    const transport = new FakeTransport([]);
    const clip = image({ mime: 'video/mp4', width: 640, height: 360 });
    transport.handlers['images.get'] = () => ({
      ...clip,
      record: { ...clip.record, params: { ...clip.record.params, duration: 2 }, video: { duration_ms: 2000, frames: 48, codec: 'h264' } },
    });
    renderImage(transport, false);
    const player = await screen.findByLabelText('a cat');
    expect(player.tagName).toBe('VIDEO');
    expect(screen.getByRole('link', { name: 'Download' })).toHaveAttribute('download', 'pixel-img_1.mp4');
    const record = screen.getByRole('complementary', { name: 'Generation record' });
    expect(within(record).getByText('2.0 s · 48 frames · H264')).toBeInTheDocument();
  });

  it('saves through the native dialog on the desktop, then offers to show the file', async () => {
    const desktop = new FakeDesktop();
    const transport = new DesktopTransport([]);
    transport.desktop = desktop;
    const user = renderImage(transport);
    const button = await screen.findByRole('button', { name: 'Download' });
    expect(screen.getByRole('img', { name: 'a cat' })).toHaveAttribute('src', 'pixel://localhost/media/img_1');

    // Cancelling the dialog says nothing.
    desktop.saved = null;
    await user.click(button);
    await waitFor(() => expect(desktop.saveImage).toHaveBeenCalledWith('img_1'));
    expect(screen.queryByText(/Saved to/)).not.toBeInTheDocument();

    desktop.saved = { path: '/home/ada/Pictures/pixel-img_1.png' };
    await user.click(button);
    expect(await screen.findByText('/home/ada/Pictures/pixel-img_1.png')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Saved to /home/ada/Pictures/pixel-img_1.png');
    await user.click(screen.getByRole('button', { name: 'Show in folder' }));
    expect(desktop.revealPath).toHaveBeenCalledWith('/home/ada/Pictures/pixel-img_1.png');
  });

  it('shows why saving failed', async () => {
    const desktop = new FakeDesktop();
    desktop.failures.saveImage = new ApiError('forbidden', 'Cannot write to that folder');
    const transport = new DesktopTransport([]);
    transport.desktop = desktop;
    const user = renderImage(transport);
    await user.click(await screen.findByRole('button', { name: 'Download' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot write to that folder');
  });
});

describe('Image page animate', () => {
  const gen4 = gen4Turbo;

  it("offers the owner's still to an image-to-video model, opening the create form on it", async () => {
    const transport = new FakeTransport([]);
    transport.handlers['catalogue.list'] = () => ({ ...catalogue, models: [...catalogue.models, gen4] });
    renderImage(transport);
    const link = await screen.findByRole('link', { name: 'Animate' });
    expect(link).toHaveAttribute('href', '/?animate=img_1');
  });

  it('is not offered for a clip, nor without a model that animates', async () => {
    const transport = new FakeTransport([]);
    transport.handlers['catalogue.list'] = () => ({ ...catalogue, models: [...catalogue.models, gen4] });
    transport.handlers['images.get'] = () => image({ mime: 'video/mp4' });
    renderImage(transport, false);
    await screen.findByRole('link', { name: 'Remix' });
    expect(screen.queryByRole('link', { name: 'Animate' })).toBeNull();

    const plain = new FakeTransport([]);
    renderImage(plain);
    await screen.findAllByRole('link', { name: 'Remix' });
    expect(screen.queryByRole('link', { name: 'Animate' })).toBeNull();
  });
});

describe('Image page visibility', () => {
  it('lets the owner switch an image between Private and Public, showing the current state', async () => {
    const transport = new FakeTransport([]);
    let release: () => void = () => undefined;
    transport.handlers['images.set_visibility'] = async (input) => {
      await new Promise<void>((r) => {
        release = r;
      });
      return { changed: (input as SetVisibility).image_ids };
    };
    const user = renderImage(transport);
    const group = await screen.findByRole('radiogroup', { name: 'Visibility' });
    expect(screen.getByRole('radio', { name: 'Private' })).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByText('Only you can see this image.')).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Public' }));
    expect(screen.getByText('Saving…')).toBeInTheDocument();
    release();
    expect(await screen.findByText('Anyone with the link can see this image.')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Public' })).toHaveAttribute('aria-checked', 'true');
    expect(transport.calls).toContainEqual(['images.set_visibility', { image_ids: ['img_1'], visibility: 'public' }]);
    expect(group).toBeInTheDocument();
  });

  it('shows a failed change and keeps the image as it was', async () => {
    const transport = new FakeTransport([]);
    transport.handlers['images.set_visibility'] = () => {
      throw new ApiError('not_found', 'image not found', 404);
    };
    const user = renderImage(transport);
    await user.click(await screen.findByRole('radio', { name: 'Public' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/image not found/i);
    expect(screen.getByRole('radio', { name: 'Private' })).toHaveAttribute('aria-checked', 'true');
  });

  it("shows someone else's public image without owner controls", async () => {
    const transport = new FakeTransport([]);
    transport.me = async () => me({ id: 'u2', username: 'grace' });
    transport.handlers['images.get'] = () => image({ visibility: 'public' });
    renderImage(transport, false);
    expect(await screen.findByRole('link', { name: 'Download' })).toBeInTheDocument();
    await screen.findByRole('button', { name: 'Account menu: grace' });
    expect(screen.queryByRole('radiogroup', { name: 'Visibility' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
    expect(screen.getByText('Public')).toBeInTheDocument();
  });

  it('asks a signed-out visitor to sign in instead of showing an unauthenticated error', async () => {
    const transport = new FakeTransport([]);
    transport.me = async () => null;
    transport.handlers['images.get'] = () => {
      throw new ApiError('unauthenticated', 'sign in to do this', 401);
    };
    renderImage(transport, false);
    expect(await screen.findByRole('heading', { name: 'Sign in to continue' })).toBeInTheDocument();
    expect(screen.queryByText(/sign in to do this/)).not.toBeInTheDocument();
  });
});

describe('Image page tags', () => {
  it("lets the owner add a tag with Enter and remove one, each one request", async () => {
    const transport = new FakeTransport([]);
    let tags = ['harbour'];
    transport.handlers['tags.of_image'] = () => ({ image_id: 'img_1', tags, proposed: [] });
    transport.handlers['tags.add'] = (input) => {
      tags = [...tags, ...(input as { tags: string[] }).tags].sort();
      return { changed: 1 };
    };
    transport.handlers['tags.remove'] = (input) => {
      tags = tags.filter((t) => !(input as { tags: string[] }).tags.includes(t));
      return { changed: 1 };
    };
    // React reports siblings that share a key (they are then drawn twice): none may.
    const reported = vi.spyOn(console, 'error');
    const user = renderImage(transport);
    const card = await screen.findByRole('region', { name: 'Tags' });
    expect(await within(card).findByText('harbour')).toBeInTheDocument();
    expect(reported.mock.calls.filter((args) => String(args[0]).includes('same key'))).toEqual([]);
    reported.mockRestore();
    await user.type(within(card).getByRole('textbox', { name: 'Add a tag' }), 'golden hour{Enter}');
    expect(await within(card).findByText('golden hour')).toBeInTheDocument();
    expect(transport.calls.filter(([m]) => m === 'tags.add').map(([, i]) => i)).toEqual([{ image_ids: ['img_1'], tags: ['golden hour'] }]);
    expect(within(card).getByRole('textbox', { name: 'Add a tag' })).toHaveValue('');
    await user.click(within(card).getByRole('button', { name: 'Remove tag harbour' }));
    await waitFor(() => expect(within(card).queryByText('harbour')).not.toBeInTheDocument());
  });

  it('asks for suggestions and accepts one and rejects another, each one request', async () => {
    const transport = new FakeTransport([]);
    let tags: string[] = [];
    let proposed: { tag: string; source: 'vision' | 'record' }[] = [];
    const state = () => ({ image_id: 'img_1', tags, proposed });
    transport.handlers['tags.of_image'] = state;
    transport.handlers['tags.suggest'] = () => {
      proposed = [
        { tag: 'red fox', source: 'record' },
        { tag: 'snow', source: 'record' },
      ];
      return { image_id: 'img_1', tagger: 'the generation record', proposed };
    };
    transport.handlers['tags.review'] = (input) => {
      const { accept, reject } = input as { accept: string[]; reject: string[] };
      tags = [...tags, ...accept].sort();
      proposed = proposed.filter((p) => !accept.includes(p.tag) && !reject.includes(p.tag));
      return state();
    };
    const user = renderImage(transport);
    const card = await screen.findByRole('region', { name: 'Tags' });
    expect(within(card).queryByRole('group', { name: 'Suggested tags' })).not.toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Suggest tags' }));
    const suggested = await within(card).findByRole('group', { name: 'Suggested tags' });
    expect(suggested).toHaveTextContent('from the prompt');
    await user.click(within(suggested).getByRole('button', { name: 'Accept tag red fox' }));
    await waitFor(() => expect(within(card).getByRole('list', { name: "This image's tags" })).toHaveTextContent('red fox'));
    await user.click(within(card).getByRole('button', { name: 'Reject tag snow' }));
    await waitFor(() => expect(within(card).queryByRole('group', { name: 'Suggested tags' })).not.toBeInTheDocument());
    expect(transport.calls.filter(([m]) => m === 'tags.review').map(([, i]) => i)).toEqual([
      { image_id: 'img_1', accept: ['red fox'], reject: [] },
      { image_id: 'img_1', accept: [], reject: ['snow'] },
    ]);
  });
});
