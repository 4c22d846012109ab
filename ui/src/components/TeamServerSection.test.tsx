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
import { me } from '../test/fixtures';

function renderSettings(desktop?: FakeDesktop) {
  const transport = new FakeTransport([]);
  transport.desktop = desktop;
  render(
    <ClientProvider client={new ApiClient(transport)}>
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter initialEntries={['/settings']}>
          <AppRoutes />
        </MemoryRouter>
      </QueryClientProvider>
    </ClientProvider>,
  );
  return userEvent.setup();
}

async function section(): Promise<HTMLElement> {
  const heading = await screen.findByRole('heading', { name: 'Team server' });
  const el = heading.closest('section');
  if (!el) throw new Error('no Team server section');
  return el;
}

const grace = me({ id: 'su_1', username: 'grace', email: 'grace@example.com', credits: 120, charging: true });

describe('TeamServerSection', () => {
  it('is absent on the web', async () => {
    renderSettings();
    expect(await screen.findByRole('heading', { name: 'Providers' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Team server' })).not.toBeInTheDocument();
  });

  it('signed out: asks for the server address and says the local library keeps working', async () => {
    const desktop = new FakeDesktop();
    renderSettings(desktop);
    const s = await section();
    expect(within(s).getByText(/local library keeps working offline and signed out/)).toBeInTheDocument();
    const input = await within(s).findByLabelText('Server address');
    expect(input).toHaveAttribute('placeholder', 'https://pixel.example.com');
    expect(input).toHaveValue('');
    expect(within(s).getByRole('button', { name: 'Sign in' })).toBeDisabled();
    expect(within(s).queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
  });

  it('starts a sign-in, waits for the browser, and cancels it with sign-out', async () => {
    const desktop = new FakeDesktop();
    const user = renderSettings(desktop);
    const s = await section();
    await user.type(await within(s).findByLabelText('Server address'), '  https://pixel.example.com/ ');
    await user.click(within(s).getByRole('button', { name: 'Sign in' }));

    expect(desktop.serverSignIn).toHaveBeenCalledWith('https://pixel.example.com/');
    expect(await within(s).findByText('Waiting for the browser…')).toBeInTheDocument();
    expect(within(s).getByText(/pixel\.example\.com/)).toBeInTheDocument();
    expect(within(s).getByLabelText('Server address')).toBeDisabled();
    expect(within(s).getByRole('button', { name: 'Sign in' })).toBeDisabled();

    await user.click(within(s).getByRole('button', { name: 'Cancel' }));
    expect(desktop.serverSignOut).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(within(s).queryByText('Waiting for the browser…')).not.toBeInTheDocument());
    expect(within(s).getByLabelText('Server address')).toBeEnabled();
  });

  it('takes an address without a scheme as https', async () => {
    const desktop = new FakeDesktop();
    const user = renderSettings(desktop);
    const s = await section();
    await user.type(await within(s).findByLabelText('Server address'), 'pixel.example.com');
    await user.click(within(s).getByRole('button', { name: 'Sign in' }));
    expect(desktop.serverSignIn).toHaveBeenCalledWith('https://pixel.example.com');
  });

  it('shows a sign-in waiting for the browser when the page opens', async () => {
    const desktop = new FakeDesktop();
    desktop.server = serverStatus({ pending: true });
    renderSettings(desktop);
    const s = await section();
    expect(await within(s).findByText('Waiting for the browser…')).toBeInTheDocument();
    expect(within(s).getByRole('button', { name: 'Cancel' })).toBeEnabled();
  });

  it('shows why starting a sign-in failed', async () => {
    const desktop = new FakeDesktop();
    desktop.failures.serverSignIn = new ApiError(
      'invalid_input',
      'the server address must start with https:// (or http:// on a trusted network)',
      400,
    );
    const user = renderSettings(desktop);
    const s = await section();
    await user.type(await within(s).findByLabelText('Server address'), 'ftp://pixel');
    await user.click(within(s).getByRole('button', { name: 'Sign in' }));
    expect(desktop.serverSignIn).toHaveBeenCalledWith('ftp://pixel');
    expect(await within(s).findByRole('alert')).toHaveTextContent('The server address must start with https://');
    expect(within(s).queryByText('Waiting for the browser…')).not.toBeInTheDocument();
    expect(within(s).getByLabelText('Server address')).toHaveValue('ftp://pixel');
  });

  it('follows the shell: a sign-in finishing in the browser shows the account, a refused one the problem', async () => {
    const desktop = new FakeDesktop();
    desktop.server = serverStatus({ pending: true });
    renderSettings(desktop);
    const s = await section();
    await within(s).findByText('Waiting for the browser…');

    act(() =>
      desktop.emitServerStatus(serverStatus({ server: 'https://pixel.example.com', problem: 'the server refused the sign-in code' })),
    );
    expect(await within(s).findByText('The server refused the sign-in code')).toBeInTheDocument();
    expect(within(s).queryByText('Waiting for the browser…')).not.toBeInTheDocument();
    // The last server is offered again.
    expect(within(s).getByLabelText('Server address')).toHaveValue('https://pixel.example.com');

    act(() => desktop.emitServerStatus(serverStatus({ server: 'https://pixel.example.com', signed_in: true, account: grace })));
    expect(await within(s).findByText('grace')).toBeInTheDocument();
    expect(within(s).queryByText('The server refused the sign-in code')).not.toBeInTheDocument();
  });

  it('signed in: shows the server, username, email and credits, and signs out', async () => {
    const desktop = new FakeDesktop();
    desktop.signIn(grace);
    const user = renderSettings(desktop);
    const s = await section();
    expect(await within(s).findByText('Signed in to pixel.example.com')).toBeInTheDocument();
    const details = s.querySelector('dl');
    if (!details) throw new Error('no details');
    const row = (term: string) => within(details).getByText(term).nextElementSibling?.textContent;
    expect(row('Server')).toBe('https://pixel.example.com');
    expect(row('Username')).toBe('grace');
    expect(row('Email')).toBe('grace@example.com');
    expect(row('Credits')).toBe('120 credits');
    expect(within(s).queryByLabelText('Server address')).not.toBeInTheDocument();

    await user.click(within(s).getByRole('button', { name: 'Sign out' }));
    expect(desktop.serverSignOut).toHaveBeenCalledTimes(1);
    expect(await within(s).findByLabelText('Server address')).toHaveValue('https://pixel.example.com');
    expect(within(s).queryByText('grace')).not.toBeInTheDocument();
  });

  it('signed in but the server cannot be reached: shows the problem as a warning', async () => {
    const desktop = new FakeDesktop();
    desktop.server = serverStatus({
      server: 'https://pixel.example.com',
      signed_in: true,
      problem: 'could not reach https://pixel.example.com: connection refused',
    });
    renderSettings(desktop);
    const s = await section();
    expect(await within(s).findByText('Could not reach https://pixel.example.com: connection refused')).toBeInTheDocument();
    expect(within(s).getByText('Signed in to pixel.example.com')).toBeInTheDocument();
    expect(within(s).queryByText('Username')).not.toBeInTheDocument();
    expect(within(s).getByRole('button', { name: 'Sign out' })).toBeEnabled();
  });

  it('shows why the status could not be read, with a retry', async () => {
    const desktop = new FakeDesktop();
    desktop.serverStatus.mockRejectedValueOnce(new ApiError('invalid_input', 'The system keychain is locked', 400));
    const user = renderSettings(desktop);
    const s = await section();
    expect(await within(s).findByText('The system keychain is locked')).toBeInTheDocument();
    await user.click(within(s).getByRole('button', { name: 'Try again' }));
    expect(await within(s).findByLabelText('Server address')).toBeInTheDocument();
  });
});
