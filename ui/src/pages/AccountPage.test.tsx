import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import { ApiError } from '../api/client';
import type { Me, SessionInfo, UpdateAccount } from '../api/types';
import { FakeTransport } from '../test/fakeTransport';
import { me, session, settings } from '../test/fixtures';
import { renderApp } from '../test/renderApp';

/** A server with sign-in where ada is signed in through this browser. */
function signedIn(sessions: SessionInfo[] = []) {
  const transport = new FakeTransport([]);
  let current: Me | null = me();
  transport.me = vi.fn(async () => current);
  let list = sessions;
  transport.handlers['sessions.list'] = () => ({ sessions: list });
  transport.handlers['sessions.revoke'] = (input) => {
    const { session_id } = input as { session_id: string };
    list = list.filter((s) => s.id !== session_id);
    return { revoked: 1 };
  };
  transport.handlers['sessions.revoke_all'] = () => {
    const revoked = list.length;
    list = [];
    current = null;
    return { revoked };
  };
  return transport;
}

const updates = (t: FakeTransport) => t.calls.filter(([m]) => m === 'account.update').map(([, i]) => i as UpdateAccount);

describe('Account settings', () => {
  it('offers the whole account as one download', async () => {
    renderApp(signedIn(), '/settings/account');
    const data = await screen.findByRole('region', { name: 'Your data' });
    expect(within(data).getByRole('link', { name: 'Download your data' })).toHaveAttribute('href', '/api/export/account.zip');
  });

  it('saves username, privacy, default visibility and notifications together', async () => {
    const transport = signedIn();
    const { user } = renderApp(transport, '/settings/account');
    const username = await screen.findByLabelText('Username');
    expect(username).toHaveValue('ada');
    expect(screen.queryByRole('button', { name: 'Save changes' })).not.toBeInTheDocument();

    await user.clear(username);
    await user.type(username, 'ada_lovelace');
    await user.click(screen.getByRole('switch', { name: 'Private profile' }));
    await user.click(screen.getByRole('radio', { name: /Public/ }));
    await user.click(screen.getByRole('switch', { name: 'Likes' }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(await screen.findByRole('status')).toHaveTextContent('Saved');
    const notifications = { ...settings().notifications, like: false };
    expect(updates(transport)).toEqual([
      {
        username: 'ada_lovelace',
        settings: settings({ profile_private: true, default_visibility: 'public', notifications }),
      },
    ]);
    // The form now shows the saved account and has nothing left to save.
    expect(screen.getByLabelText('Username')).toHaveValue('ada_lovelace');
    expect(screen.getByRole('switch', { name: 'Likes' })).toHaveAttribute('aria-checked', 'false');
    expect(screen.queryByRole('button', { name: 'Save changes' })).not.toBeInTheDocument();
  });

  it('shows a taken username under the field, and checks the rule before asking', async () => {
    const transport = signedIn();
    transport.handlers['account.update'] = () => {
      throw new ApiError('conflict', 'that username is taken', 409);
    };
    const { user } = renderApp(transport, '/settings/account');
    const username = await screen.findByLabelText('Username');

    await user.clear(username);
    await user.type(username, '9lives');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(screen.getByRole('alert')).toHaveTextContent('3–30 characters: lowercase letters, digits and _, starting with a letter.');
    expect(username).toHaveAttribute('aria-invalid', 'true');
    expect(updates(transport)).toEqual([]);

    await user.clear(username);
    await user.type(username, 'grace');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That username is taken. Try another.');
    expect(updates(transport)).toEqual([{ username: 'grace' }]);
    // Editing again clears the refusal.
    await user.type(username, '_h');
    expect(screen.queryByText(/taken/)).not.toBeInTheDocument();
  });

  it('lists sessions with this device marked, and revokes one', async () => {
    const transport = signedIn([
      session({ id: 'ses_here', current: true }),
      session({ id: 'ses_ci', kind: 'token', label: 'CI' }),
    ]);
    const { user } = renderApp(transport, '/settings/account');
    const list = await screen.findByRole('list', { name: 'Sessions' });
    const here = within(list).getByRole('listitem', { name: 'Web browser' });
    expect(within(here).getByText('This device')).toBeInTheDocument();
    const ci = within(list).getByRole('listitem', { name: 'CI' });
    expect(within(ci).getByText('API token')).toBeInTheDocument();
    expect(within(ci).queryByText('This device')).not.toBeInTheDocument();

    await user.click(within(ci).getByRole('button', { name: 'Revoke CI' }));
    await waitFor(() => expect(within(list).queryByRole('listitem', { name: 'CI' })).not.toBeInTheDocument());
    expect(transport.calls).toContainEqual(['sessions.revoke', { session_id: 'ses_ci' }]);
    expect(within(list).getByRole('listitem', { name: 'Web browser' })).toBeInTheDocument();
  });

  it('signs out everywhere after a confirmation, leaving this browser signed out', async () => {
    const transport = signedIn([session({ id: 'ses_here', current: true }), session({ id: 'ses_2' })]);
    const { user } = renderApp(transport, '/settings/account');
    await user.click(await screen.findByRole('button', { name: 'Sign out everywhere' }));
    const dialog = await screen.findByRole('dialog', { name: 'Sign out everywhere?' });
    expect(transport.calls.some(([m]) => m === 'sessions.revoke_all')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Sign out everywhere' }));

    await waitFor(() => expect(transport.calls).toContainEqual(['sessions.revoke_all', {}]));
    expect(await screen.findByRole('heading', { name: 'Sign in to continue' })).toBeInTheDocument();
    expect(within(screen.getByRole('banner')).getByRole('link', { name: /Sign in with Google/ })).toHaveAttribute(
      'href',
      '/auth/google?return_to=%2Fsettings%2Faccount',
    );
  });

  it('shows a new API token once, with a copy button', async () => {
    const transport = signedIn();
    transport.handlers['tokens.create'] = (input) => ({
      token: 'pst_secret123',
      session: session({ id: 'ses_tok', kind: 'token', label: (input as { label: string }).label }),
    });
    const { user } = renderApp(transport, '/settings/account');

    await user.type(await screen.findByLabelText('Token label'), 'CI');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const token = await screen.findByLabelText('New API token');
    expect(token).toHaveValue('pst_secret123');
    expect(screen.getByText(/You won’t see it again/)).toBeInTheDocument();
    expect(transport.calls).toContainEqual(['tokens.create', { label: 'CI' }]);

    await user.click(screen.getByRole('button', { name: 'Copy' }));
    // user-event stands in for the clipboard.
    expect(await navigator.clipboard.readText()).toBe('pst_secret123');
    expect(screen.getByRole('button', { name: 'Copied' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByLabelText('New API token')).not.toBeInTheDocument();
    expect(screen.queryByText(/pst_secret123/)).not.toBeInTheDocument();
    expect(screen.getByLabelText('Token label')).toHaveValue('');
  });

  it('saves the theme to the account as well as on this device', async () => {
    const transport = signedIn();
    const { user } = renderApp(transport, '/settings/account');
    await user.click(await screen.findByRole('radio', { name: 'Dark' }));
    expect(localStorage.getItem('pixel.theme')).toBe('dark');
    await waitFor(() => expect(updates(transport)).toEqual([{ settings: settings({ theme: 'dark' }) }]));
  });

  it('in single-owner mode has no sessions or tokens to manage', async () => {
    const transport = new FakeTransport([]);
    renderApp(transport, '/settings/account');
    expect(await screen.findByLabelText('Username')).toHaveValue('ada');
    expect(screen.queryByRole('button', { name: 'Sign out everywhere' })).not.toBeInTheDocument();
    expect(screen.queryByText('API tokens')).not.toBeInTheDocument();
    expect(screen.getByText(/Sign-in is off on this server/)).toBeInTheDocument();
  });
});
