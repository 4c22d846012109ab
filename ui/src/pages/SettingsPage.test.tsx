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
});
