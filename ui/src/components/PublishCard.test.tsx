import { describe, expect, it } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient, ApiError } from '../api/client';
import { ClientProvider } from '../api/context';
import { AppRoutes, makeQueryClient } from '../App';
import { FakeTransport } from '../test/fakeTransport';
import { FakeDesktop, serverStatus } from '../test/fakeDesktop';
import { image, me, settings } from '../test/fixtures';

function renderImage(desktop?: FakeDesktop) {
  const transport = new FakeTransport([]);
  transport.desktop = desktop;
  transport.handlers['images.get'] = () => image();
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

async function card(): Promise<HTMLElement> {
  const button = await screen.findByRole('button', { name: 'Publish to server' });
  const el = button.closest('section');
  if (!el) throw new Error('no publish card');
  return el;
}

const grace = (defaultVisibility: 'private' | 'public' = 'private') =>
  me({ id: 'su_1', username: 'grace', settings: settings({ default_visibility: defaultVisibility }) });

describe('Publish to server', () => {
  it('is absent on the web and on a desktop signed out of any server', async () => {
    renderImage();
    await screen.findByRole('img', { name: 'a cat' });
    expect(screen.queryByRole('button', { name: 'Publish to server' })).not.toBeInTheDocument();

    const desktop = new FakeDesktop();
    renderImage(desktop);
    await waitFor(() => expect(desktop.serverStatus).toHaveBeenCalled());
    expect(screen.queryByRole('button', { name: 'Publish to server' })).not.toBeInTheDocument();
  });

  it('appears once signed in (from the shell event), choosing the account default visibility', async () => {
    const desktop = new FakeDesktop();
    renderImage(desktop);
    await waitFor(() => expect(desktop.serverStatus).toHaveBeenCalled());
    act(() => desktop.emitServerStatus(serverStatus({ server: 'https://pixel.example.com', signed_in: true, account: grace('public') })));
    const c = await card();
    expect(within(c).getByText(/to pixel\.example\.com/)).toBeInTheDocument();
    const group = within(c).getByRole('radiogroup', { name: 'Visibility on the server' });
    expect(within(group).getByRole('radio', { name: 'Public' })).toHaveAttribute('aria-checked', 'true');
  });

  it('publishes with the chosen visibility and links to the image on the server', async () => {
    const desktop = new FakeDesktop();
    desktop.signIn(grace('public'));
    const user = renderImage(desktop);
    const c = await card();
    await user.click(within(c).getByRole('radio', { name: 'Private' }));
    expect(within(c).getByRole('radio', { name: 'Private' })).toHaveAttribute('aria-checked', 'true');
    await user.click(within(c).getByRole('button', { name: 'Publish to server' }));

    expect(desktop.publish).toHaveBeenCalledWith('img_1', 'private');
    expect(await within(c).findByText('Published')).toBeInTheDocument();
    const link = within(c).getByRole('link', { name: /pixel\.example\.com\/p\/simg_1/ });
    expect(link).toHaveAttribute('href', 'https://pixel.example.com/p/simg_1');
    expect(link).toHaveAttribute('target', '_blank');
    expect(within(c).getByRole('button', { name: 'Copy link' })).toBeInTheDocument();
    expect(within(c).getByRole('link', { name: 'Open in the app' })).toHaveAttribute('href', '/p/simg_1');
    expect(within(c).queryByRole('button', { name: 'Publish to server' })).not.toBeInTheDocument();
  });

  it('shows why publishing failed and lets it be tried again', async () => {
    const desktop = new FakeDesktop();
    desktop.signIn(grace());
    desktop.failures.publish = new ApiError('unavailable', 'could not reach https://pixel.example.com: connection refused', 503);
    const user = renderImage(desktop);
    const c = await card();
    await user.click(within(c).getByRole('button', { name: 'Publish to server' }));
    expect(desktop.publish).toHaveBeenCalledWith('img_1', 'private');
    const alert = await within(c).findByRole('alert');
    expect(alert).toHaveTextContent('This is unavailable right now');
    expect(alert).toHaveTextContent('Could not reach https://pixel.example.com: connection refused');

    await user.click(within(c).getByRole('button', { name: 'Publish to server' }));
    expect(await within(c).findByText('Published')).toBeInTheDocument();
    expect(within(c).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('asks the shell again when the server signed the app out', async () => {
    const desktop = new FakeDesktop();
    desktop.signIn(grace());
    desktop.failures.publish = new ApiError('unauthenticated', 'sign in to a server to publish', 401);
    const user = renderImage(desktop);
    const c = await card();
    const before = desktop.serverStatus.mock.calls.length;
    desktop.server = serverStatus({ server: 'https://pixel.example.com', problem: 'the server signed this app out; sign in again' });
    await user.click(within(c).getByRole('button', { name: 'Publish to server' }));
    await waitFor(() => expect(desktop.serverStatus.mock.calls.length).toBeGreaterThan(before));
    // Signed out now: no more publishing, but the card says why and where to sign in again.
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Publish to server' })).not.toBeInTheDocument());
    expect(screen.getByRole('alert')).toHaveTextContent('Sign in to do this');
    expect(screen.getByText('The server signed this app out; sign in again')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Sign in again in Settings' })).toHaveAttribute('href', '/settings');
  });
});
