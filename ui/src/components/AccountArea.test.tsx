import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import { ApiError } from '../api/client';
import { FakeTransport } from '../test/fakeTransport';
import { me } from '../test/fixtures';
import { renderApp } from '../test/renderApp';
import type { Me } from '../api/types';

/** A server with sign-in, where `who` is signed in (null: nobody). */
function oidc(who: Me | null) {
  const transport = new FakeTransport([]);
  let current = who;
  transport.me = vi.fn(async () => current);
  transport.signOut = vi.fn(async () => {
    current = null;
  });
  return transport;
}

describe('header account area', () => {
  it('signed out: a Sign in with Google link back to this page, and a sign-in card instead of errors', async () => {
    const transport = oidc(null);
    transport.handlers['images.list'] = () => ({ images: [] });
    renderApp(transport, '/library?model=local-sketch');
    const header = screen.getByRole('banner');
    const link = await within(header).findByRole('link', { name: /Sign in with Google/ });
    expect(link).toHaveAttribute('href', '/auth/google?return_to=%2Flibrary%3Fmodel%3Dlocal-sketch');
    expect(await screen.findByRole('heading', { name: 'Sign in to continue' })).toBeInTheDocument();
    expect(screen.queryByText(/unauthenticated/i)).not.toBeInTheDocument();
    expect(within(header).queryByRole('button', { name: /Account menu/ })).not.toBeInTheDocument();
    // Nobody to stream events to: no "Connecting…" chip either.
    expect(within(header).queryByRole('status')).not.toBeInTheDocument();
    expect(transport.listeners.size).toBe(0);
  });

  it('signed in: username, credits and a menu with Account settings and Sign out', async () => {
    const transport = oidc(me({ username: 'grace', credits: 50 }));
    const { user } = renderApp(transport, '/settings');
    const header = screen.getByRole('banner');
    const trigger = await within(header).findByRole('button', { name: 'Account menu: grace' });
    expect(trigger).toHaveTextContent('grace');
    expect(within(header).getByLabelText('Balance: 50 credits')).toBeInTheDocument();
    expect(within(header).queryByRole('link', { name: /Sign in/ })).not.toBeInTheDocument();

    await user.click(trigger);
    const menu = await screen.findByRole('menu');
    expect(within(menu).getByText('ada@example.com')).toBeInTheDocument();
    expect(within(menu).getByRole('menuitem', { name: 'Account settings' })).toHaveAttribute('href', '/settings/account');
    await user.click(within(menu).getByRole('menuitem', { name: 'Sign out' }));

    await waitFor(() => expect(transport.signOut).toHaveBeenCalledTimes(1));
    expect(await within(header).findByRole('link', { name: /Sign in with Google/ })).toHaveAttribute(
      'href',
      '/auth/google?return_to=%2Fsettings',
    );
    expect(within(header).queryByRole('button', { name: /Account menu/ })).not.toBeInTheDocument();
    expect(screen.queryByText('Signed in as')).not.toBeInTheDocument();
  });

  it('opens Account settings from the menu', async () => {
    const transport = oidc(me());
    transport.handlers['sessions.list'] = () => ({ sessions: [] });
    const { user } = renderApp(transport, '/');
    await user.click(await screen.findByRole('button', { name: 'Account menu: ada' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Account settings' }));
    expect(await screen.findByRole('heading', { name: 'Account settings' })).toBeInTheDocument();
  });

  it('notices a session that ended elsewhere when a call comes back unauthenticated', async () => {
    const transport = oidc(me());
    const { user } = renderApp(transport, '/');
    const header = screen.getByRole('banner');
    await within(header).findByRole('button', { name: 'Account menu: ada' });
    // Signed out in another tab: the next call is refused and /api/me now says nobody.
    await transport.signOut?.();
    transport.handlers['images.list'] = () => {
      throw new ApiError('unauthenticated', 'sign in to do this', 401);
    };
    await user.click(within(header).getByRole('link', { name: 'Library' }));
    expect(await within(header).findByRole('link', { name: /Sign in with Google/ })).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'Sign in to continue' })).toBeInTheDocument();
  });

  it('single owner: no sign-in button and no menu, just the owner', async () => {
    const transport = new FakeTransport([]); // no /api/me: the client derives the owner from account.get
    renderApp(transport, '/settings');
    const header = screen.getByRole('banner');
    expect(await within(header).findByRole('link', { name: 'Owner: ada. Account settings' })).toBeInTheDocument();
    expect(within(header).queryByRole('link', { name: /Sign in/ })).not.toBeInTheDocument();
    expect(within(header).queryByRole('button', { name: /Account menu/ })).not.toBeInTheDocument();
  });
});
