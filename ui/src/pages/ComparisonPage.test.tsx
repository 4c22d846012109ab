import { describe, expect, it } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient, ApiError } from '../api/client';
import { ClientProvider } from '../api/context';
import { AppRoutes, makeQueryClient } from '../App';
import { catalogue, image, job } from '../test/fixtures';
import { FakeTransport } from '../test/fakeTransport';
import type { ComparisonDetail, GenerationSet, SetDetail } from '../api/types';

function renderAt(transport: FakeTransport, path: string) {
  render(
    <ClientProvider client={new ApiClient(transport)}>
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter initialEntries={[path]}>
          <AppRoutes />
        </MemoryRouter>
      </QueryClientProvider>
    </ClientProvider>,
  );
}

const params = (model: string) => ({ prompt: 'a [500] kite', model, width: 1024, height: 1024 });
const set = (id: string, model: string, cost: number): GenerationSet => ({
  id,
  owner_id: 'u1',
  params: params(model),
  n: 1,
  cost,
  comparison_id: 'cmp_1',
  created_at: 1000,
});

describe('Comparison view', () => {
  it('shows one column per model, live progress, images and a failed model with its refund', async () => {
    const offline: SetDetail = {
      set: set('set_a', 'local-sketch', 0),
      jobs: [job({ id: 'job_a', set_id: 'set_a', state: 'running', progress: 0.5, params: params('local-sketch') })],
      images: [],
    };
    const gpt: SetDetail = {
      set: set('set_b', 'gpt-image-2', 6),
      jobs: [
        job({
          id: 'job_b',
          set_id: 'set_b',
          provider: 'openai',
          state: 'failed',
          cost: 6,
          refunded: true,
          params: params('gpt-image-2'),
          error: { code: 'provider_error', message: 'OpenAI answered 500' },
        }),
      ],
      images: [],
    };
    const detail: ComparisonDetail = { comparison_id: 'cmp_1', sets: [offline, gpt] };
    const transport = new FakeTransport([]);
    transport.handlers['comparisons.get'] = () => detail;
    renderAt(transport, '/compare/cmp_1');

    expect(await screen.findByRole('heading', { level: 1, name: 'a [500] kite' })).toBeInTheDocument();
    expect(transport.calls).toContainEqual(['comparisons.get', { comparison_id: 'cmp_1' }]);
    const columns = within(screen.getByRole('list', { name: 'Models compared' })).getAllByRole('region');
    expect(columns).toHaveLength(2);
    const [first, second] = columns as [HTMLElement, HTMLElement];
    expect(within(first).getByRole('heading', { name: catalogue.models[0]?.name })).toBeInTheDocument();
    expect(first).toHaveTextContent('Offline renderer — not an AI model');
    expect(within(first).getByTestId('column-cost')).toHaveTextContent('Free');
    expect(within(second).getByRole('heading', { name: 'GPT Image 2' })).toBeInTheDocument();
    expect(second).toHaveTextContent('OpenAI');
    expect(within(second).getByTestId('column-cost')).toHaveTextContent('6 credits');
    expect(within(second).getAllByText('6 credits refunded').length).toBeGreaterThan(0);
    expect(within(second).getByText('The provider had a problem generating this image')).toBeInTheDocument();
    expect(within(second).getByText("The provider had a problem generating this image: OpenAI answered 500")).toBeInTheDocument();
    expect(screen.getByText("Refunded").nextSibling).toHaveTextContent("6 credits");
    expect(screen.getByText('Total cost').nextSibling).toHaveTextContent('6 credits');

    // The offline column follows live events: progress, then the image, which opens the image page.
    const bar = within(first).getByRole('progressbar');
    expect(bar).toHaveAttribute('aria-valuenow', '50');
    const done = job({ id: 'job_a', set_id: 'set_a', state: 'succeeded', progress: 1, image_id: 'img_1', params: params('local-sketch') });
    act(() => transport.emit({ type: 'generation.completed', job: done, image: image(), emitted_at_us: 1 }));
    const link = await within(first).findByRole('link', { name: 'Open image 1' });
    expect(link).toHaveAttribute('href', '/images/img_1');
  });

  it('says when a comparison does not exist', async () => {
    const transport = new FakeTransport([]);
    transport.handlers['comparisons.get'] = () => {
      throw new ApiError('not_found', 'comparison not found', 404);
    };
    renderAt(transport, '/compare/cmp_x');
    expect(await screen.findByText('Not found')).toBeInTheDocument();
  });

  it('links a set made by a comparison back to it', async () => {
    const transport = new FakeTransport([]);
    transport.handlers['sets.get'] = () => ({ set: set('set_a', 'local-sketch', 0), jobs: [], images: [] });
    renderAt(transport, '/sets/set_a');
    const link = await screen.findByRole('link', { name: 'Part of a comparison' });
    expect(link).toHaveAttribute('href', '/compare/cmp_1');
  });
});
