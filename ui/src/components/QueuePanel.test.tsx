import { describe, expect, it } from 'vitest';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient, type EventListener, type StatusListener, type Transport } from '../api/client';
import { ClientProvider } from '../api/context';
import { AppRoutes, makeQueryClient } from '../App';
import type { Event, Job } from '../api/types';
import { catalogue, job } from '../test/fixtures';

class FakeTransport implements Transport {
  calls: Array<[string, unknown]> = [];
  listeners = new Set<EventListener>();
  constructor(private jobs: Job[]) {}
  async call(method: string, input: unknown): Promise<unknown> {
    this.calls.push([method, input]);
    switch (method) {
      case 'catalogue.list':
        return catalogue;
      case 'providers.list':
        return { providers: [] };
      case 'account.get':
        return { user: { id: 'u1', username: 'ada', role: 'user', created_at: 0 }, balance: 50, charging: true };
      case 'generations.list':
        return { jobs: this.jobs };
      case 'generations.cancel':
        return { ...this.jobs[0], state: 'cancelled' };
      default:
        throw new Error(`unexpected ${method}`);
    }
  }
  subscribe(listener: EventListener, onStatus?: StatusListener): () => void {
    this.listeners.add(listener);
    onStatus?.('open');
    return () => this.listeners.delete(listener);
  }
  emit(event: Event) {
    for (const l of this.listeners) l(event);
  }
}

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
