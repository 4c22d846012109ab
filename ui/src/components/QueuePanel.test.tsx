import { describe, expect, it } from 'vitest';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient } from '../api/client';
import { ClientProvider } from '../api/context';
import { AppRoutes, makeQueryClient } from '../App';
import { job } from '../test/fixtures';
import { FakeTransport } from '../test/fakeTransport';

function renderApp(transport: FakeTransport) {
  render(
    <ClientProvider client={new ApiClient(transport)}>
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter initialEntries={['/']}>
          <AppRoutes />
        </MemoryRouter>
      </QueryClientProvider>
    </ClientProvider>,
  );
}

describe('Queue panel', () => {
  it('shows live progress from events, failures in plain words, refunds, and cancels', async () => {
    const transport = new FakeTransport([
      job({ id: 'job_run', set_id: 'set_a', state: 'running', progress: 0.1, created_at: 2000 }),
      job({
        id: 'job_mod',
        set_id: 'set_b',
        state: 'moderated',
        cost: 6,
        refunded: true,
        error: { code: 'moderated', message: 'flagged' },
      }),
    ]);
    renderApp(transport);
    expect(await screen.findByText("Blocked by the provider's safety filter")).toBeInTheDocument();
    expect(screen.getByText('6 credits refunded')).toBeInTheDocument();
    expect(screen.getByLabelText('Balance: 50 credits')).toBeInTheDocument();

    const bar = screen.getByRole('progressbar', { name: 'Image 1 progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '10');
    act(() =>
      transport.emit({ type: 'generation.progress', job_id: 'job_run', set_id: 'set_a', progress: 0.75, emitted_at_us: 1 }),
    );
    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '75'));
    act(() => transport.emit({ type: 'balance.changed', balance: 44 }));
    expect(await screen.findByLabelText('Balance: 44 credits')).toBeInTheDocument();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Cancel image 1' }));
    await waitFor(() => expect(transport.calls).toContainEqual(['generations.cancel', { job_id: 'job_run' }]));
    expect(await screen.findByText('Cancelled')).toBeInTheDocument();
  });
});
