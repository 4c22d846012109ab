import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient, ApiError } from '../api/client';
import { ClientProvider } from '../api/context';
import { AppRoutes, makeQueryClient } from '../App';
import { FakeTransport } from '../test/fakeTransport';
import { FakeDesktop } from '../test/fakeDesktop';
import { catalogue } from '../test/fixtures';
import { keys } from '../api/keys';

function renderSettings(desktop?: FakeDesktop) {
  const transport = new FakeTransport([]);
  transport.desktop = desktop;
  transport.providers = [
    { id: 'local', name: 'Offline renderer', configured: true, offline: true },
    { id: 'openai', name: 'OpenAI', configured: false, offline: false },
  ];
  const qc = makeQueryClient();
  // The Create page's models, cached from an earlier visit: a new key must make them stale.
  qc.setQueryData(keys.catalogue, catalogue);
  render(
    <ClientProvider client={new ApiClient(transport)}>
      <QueryClientProvider client={qc}>
        <MemoryRouter initialEntries={['/settings']}>
          <AppRoutes />
        </MemoryRouter>
      </QueryClientProvider>
    </ClientProvider>,
  );
  const count = (method: string) => transport.calls.filter(([m]) => m === method).length;
  return { transport, qc, count, user: userEvent.setup() };
}

function row(name: string): HTMLElement {
  // Password fields have no ARIA role: find the row by the field's label.
  const li = screen.getByLabelText(`${name} API key`).closest('li');
  if (!li) throw new Error(`no row for ${name}`);
  return li;
}

describe('ProviderKeysSection', () => {
  it('is absent on the web', async () => {
    renderSettings();
    expect(await screen.findByText('Not configured')).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'API keys' })).not.toBeInTheDocument();
  });

  it('saves a key to the keychain, clears the field and refreshes providers and models', async () => {
    const desktop = new FakeDesktop();
    const { qc, count, user } = renderSettings(desktop);
    expect(await screen.findByRole('heading', { name: 'API keys' })).toBeInTheDocument();
    const openai = await waitFor(() => row('OpenAI'));
    expect(within(openai).getByText('Not set')).toBeInTheDocument();
    expect(within(row('Stability AI')).getByText('Stored in your system keychain')).toBeInTheDocument();
    await waitFor(() => expect(count('providers.list')).toBe(1));

    const input = within(openai).getByLabelText('OpenAI API key');
    expect(input).toHaveAttribute('type', 'password');
    expect(within(openai).getByRole('button', { name: 'Save OpenAI key' })).toBeDisabled();
    await user.type(input, '  sk-test-123 ');
    await user.click(within(openai).getByRole('button', { name: 'Save OpenAI key' }));

    expect(desktop.setKey).toHaveBeenCalledWith('openai', 'sk-test-123');
    expect(await within(openai).findByText('Stored in your system keychain')).toBeInTheDocument();
    expect(input).toHaveValue('');
    await waitFor(() => expect(count('providers.list')).toBe(2));
    expect(qc.getQueryState(keys.catalogue)?.isInvalidated).toBe(true);
  });

  it('removes a stored key after confirming', async () => {
    const desktop = new FakeDesktop();
    const { count, user } = renderSettings(desktop);
    const stability = await waitFor(() => row('Stability AI'));
    await waitFor(() => expect(count('providers.list')).toBe(1));
    await user.click(within(stability).getByRole('button', { name: 'Remove Stability AI key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove the Stability AI key?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));

    expect(desktop.deleteKey).toHaveBeenCalledWith('stability');
    expect(await within(stability).findByText('Not set')).toBeInTheDocument();
    expect(within(stability).queryByRole('button', { name: 'Remove Stability AI key' })).not.toBeInTheDocument();
    await waitFor(() => expect(count('providers.list')).toBe(2));
  });

  it('shows why a save failed and keeps the typed key for another try', async () => {
    const desktop = new FakeDesktop();
    desktop.failures.setKey = new ApiError('internal', 'The system keychain is locked');
    const { user } = renderSettings(desktop);
    const openai = await waitFor(() => row('OpenAI'));
    const input = within(openai).getByLabelText('OpenAI API key');
    await user.type(input, 'sk-test');
    await user.click(within(openai).getByRole('button', { name: 'Save OpenAI key' }));

    expect(await within(openai).findByRole('alert')).toHaveTextContent('The system keychain is locked');
    expect(within(openai).getByText('Not set')).toBeInTheDocument();
    expect(input).toHaveValue('sk-test');

    await user.click(within(openai).getByRole('button', { name: 'Save OpenAI key' }));
    expect(await within(openai).findByText('Stored in your system keychain')).toBeInTheDocument();
    expect(within(openai).queryByRole('alert')).not.toBeInTheDocument();
  });
});
