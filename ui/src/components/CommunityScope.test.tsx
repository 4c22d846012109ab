import { describe, expect, it } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient } from '../api/client';
import { ClientProvider } from '../api/context';
import { Community, CommunityContext } from '../api/community';
import { AppRoutes, makeQueryClient } from '../App';
import { FakeTransport } from '../test/fakeTransport';
import { FakeDesktop } from '../test/fakeDesktop';
import { image, me } from '../test/fixtures';
import type { Notification, PublicImage } from '../api/types';

const ANA = me({ id: 'srv_ana', username: 'ana' });

function publicImage(id: string): PublicImage {
  return {
    image: image({ id, owner_id: 'srv_bo', visibility: 'public' }),
    creator: { id: 'srv_bo', username: 'bo' },
    likes: 2,
    comments: 0,
    liked: false,
    following: false,
  };
}

function notification(id: string): Notification {
  return {
    id,
    kind: 'like',
    actor: { id: 'srv_bo', username: 'bo' },
    image_id: 'simg_1',
    comment_id: null,
    on_own_image: true,
    read: false,
    created_at: 1000,
  };
}

/** The desktop app: its local library (`local`) and a team server (`server`), opened at `path`. */
function renderDesktop(path: string, signedIn: boolean) {
  const desktop = new FakeDesktop();
  if (signedIn) desktop.signIn(ANA);
  const local = new FakeTransport([]);
  local.desktop = desktop;
  const server = new FakeTransport([]);
  server.me = async () => ANA;
  server.handlers['explore.list'] = () => ({ images: [publicImage('simg_1')] });
  server.handlers['explore.creators'] = () => ({ creators: [] });
  server.handlers['notifications.list'] = () => ({ notifications: [notification('n1')], unread: 1 });
  server.handlers['messages.conversations'] = () => ({ conversations: [], unread: 0 });
  server.handlers['images.get'] = () => publicImage('simg_1').image;
  server.handlers['explore.image'] = () => publicImage('simg_1');
  server.handlers['comments.list'] = () => ({ comments: [] });
  server.handlers['explore.remixes'] = () => ({ images: [] });
  const community = new Community(new ApiClient(server), makeQueryClient);
  render(
    <ClientProvider client={new ApiClient(local)}>
      <QueryClientProvider client={makeQueryClient()}>
        <CommunityContext.Provider value={community}>
          <MemoryRouter initialEntries={[path]}>
            <AppRoutes />
          </MemoryRouter>
        </CommunityContext.Provider>
      </QueryClientProvider>
    </ClientProvider>,
  );
  return { local, server };
}

describe('the team server on the desktop', () => {
  it('invites a signed-out desktop to sign in, and asks the server nothing', async () => {
    const { server } = renderDesktop('/explore', false);
    expect(await screen.findByRole('heading', { name: 'Sign in to a team server' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Open Settings/ })).toHaveAttribute('href', '/settings');
    expect(screen.getByRole('navigation', { name: 'Main' })).toHaveTextContent('Explore');
    expect(screen.queryByRole('link', { name: /Notifications/ })).not.toBeInTheDocument();
    expect(server.calls).toEqual([]);
  });

  it("shows the server's explore, its images as server pages, and its notifications live in the header", async () => {
    const { local, server } = renderDesktop('/explore', true);
    const main = await screen.findByRole('main');
    // Its images open as the server's pages (`/images/<id>` is the local library's).
    await within(main).findByText('bo');
    expect(main.querySelector('a[href="/p/simg_1"]')).not.toBeNull();
    expect(main.querySelector('a[href^="/images/"]')).toBeNull();
    expect(server.calls.map(([m]) => m)).toContain('explore.list');
    expect(local.calls.map(([m]) => m)).not.toContain('explore.list');

    expect(await screen.findByRole('link', { name: 'Notifications: 1 unread' })).toBeInTheDocument();
    act(() => server.emit({ type: 'notification.created', notification: notification('n2') }));
    expect(await screen.findByRole('link', { name: 'Notifications: 2 unread' })).toBeInTheDocument();
  });

  it("opens a server image as the server's page: its share link is the server's, and only the local library remixes", async () => {
    renderDesktop('/p/simg_1', true);
    const main = await screen.findByRole('main');
    expect(await within(main).findByRole('button', { name: 'Copy share link' })).toBeInTheDocument();
    expect(within(main).queryByRole('link', { name: /Remix/ })).not.toBeInTheDocument();
    expect(within(main).queryByText('Download')).not.toBeInTheDocument();
    expect(within(main).queryByRole('link', { name: /Open set/ })).not.toBeInTheDocument();
  });
});
