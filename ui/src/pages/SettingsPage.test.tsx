import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient } from '../api/client';
import { ClientProvider } from '../api/context';
import { AppRoutes, makeQueryClient } from '../App';
import { FakeTransport } from '../test/fakeTransport';

describe('Settings', () => {
  it('lists providers and persists the theme', async () => {
    const transport = new FakeTransport([]);
    transport.providers = [
      { id: 'local', name: 'Offline renderer', configured: true, offline: true },
      { id: 'openai', name: 'OpenAI', configured: false, offline: false },
    ];
    render(
      <ClientProvider client={new ApiClient(transport)}>
        <QueryClientProvider client={makeQueryClient()}>
          <MemoryRouter initialEntries={['/settings']}>
            <AppRoutes />
          </MemoryRouter>
        </QueryClientProvider>
      </ClientProvider>,
    );
    expect(await screen.findByText('OpenAI')).toBeInTheDocument();
    expect(screen.getByText('Not configured')).toBeInTheDocument();
    expect(screen.getByText('Built in')).toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(screen.getByRole('radio', { name: 'Light' }));
    expect(localStorage.getItem('pixel.theme')).toBe('light');
    expect(document.documentElement.classList.contains('dark')).toBe(false);
    await user.keyboard('{ArrowRight}'); // radio group: arrows move and select
    expect(screen.getByRole('radio', { name: 'Dark' })).toHaveFocus();
    expect(localStorage.getItem('pixel.theme')).toBe('dark');
    expect(document.documentElement.classList.contains('dark')).toBe(true);
  });

  it('checks connections on demand and shows reachability and balance', async () => {
    const transport = new FakeTransport([]);
    transport.providers = [
      { id: 'local', name: 'Offline renderer', configured: true, offline: true },
      { id: 'stability', name: 'Stability AI', configured: true, offline: false },
      { id: 'replicate', name: 'Replicate', configured: true, offline: false },
      { id: 'bfl', name: 'Black Forest Labs', configured: true, offline: false },
    ];
    let checks = 0;
    transport.handlers['providers.health'] = () => {
      checks += 1;
      return {
        providers: [
          { id: 'local', name: 'Offline renderer', configured: true, offline: true, health: { reachable: true } },
          { id: 'stability', name: 'Stability AI', configured: true, offline: false, health: { reachable: true, balance: '42.50 credits' } },
          { id: 'replicate', name: 'Replicate', configured: true, offline: false, health: { reachable: true, message: 'Replicate no longer has the pinned version of replicate-kandinsky-2.2' } },
          { id: 'bfl', name: 'Black Forest Labs', configured: true, offline: false, health: { reachable: false, message: 'cannot connect' } },
        ],
      };
    };
    render(
      <ClientProvider client={new ApiClient(transport)}>
        <QueryClientProvider client={makeQueryClient()}>
          <MemoryRouter initialEntries={['/settings']}>
            <AppRoutes />
          </MemoryRouter>
        </QueryClientProvider>
      </ClientProvider>,
    );
    expect(await screen.findByText('Stability AI')).toBeInTheDocument();
    expect(checks).toBe(0);
    await userEvent.setup().click(screen.getByRole('button', { name: /Check connections/ }));
    expect(await screen.findByText(/Balance 42.50 credits/)).toBeInTheDocument();
    expect(screen.getByText('Unreachable: cannot connect')).toBeInTheDocument();
    expect(screen.getByText(/no longer has the pinned version of replicate-kandinsky-2.2/)).toBeInTheDocument();
    expect(checks).toBe(1);
  });
});
