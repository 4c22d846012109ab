import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient } from '../api/client';
import { ClientProvider } from '../api/context';
import { AppRoutes, makeQueryClient } from '../App';
import { FakeTransport } from '../test/fakeTransport';
import { image, job, me } from '../test/fixtures';
import type { SetDetail, SetVisibilityChoice, Visibility } from '../api/types';

function detail(visibility: Visibility[], chosen?: Visibility): SetDetail {
  return {
    set: {
      id: 'set_1',
      owner_id: 'u1',
      params: { prompt: 'two koi', model: 'local-sketch', width: 1024, height: 1024 },
      n: visibility.length,
      cost: 0,
      created_at: 1000,
      ...(chosen ? { visibility: chosen } : {}),
    },
    owner: { id: 'u1', username: 'ada' },
    jobs: visibility.map((_, i) => job({ id: `job_${i}`, index: i, state: 'succeeded', image_id: `img_${i}` })),
    images: visibility.map((v, i) => image({ id: `img_${i}`, job_id: `job_${i}`, visibility: v })),
  };
}

function renderSet(transport: FakeTransport) {
  render(
    <ClientProvider client={new ApiClient(transport)}>
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter initialEntries={['/sets/set_1']}>
          <AppRoutes />
        </MemoryRouter>
      </QueryClientProvider>
    </ClientProvider>,
  );
  return userEvent.setup();
}

describe('Set page visibility', () => {
  it('lets the owner make the whole set public, then offers its link', async () => {
    const transport = new FakeTransport([]);
    transport.handlers['sets.get'] = () => detail(['private', 'public']);
    transport.handlers['sets.set_visibility'] = (input) => {
      const { visibility } = input as SetVisibilityChoice;
      transport.handlers['sets.get'] = () => detail([visibility, visibility], visibility);
      return { changed: ['img_0', 'img_1'] };
    };
    const user = renderSet(transport);
    await screen.findByRole('radiogroup', { name: 'Set visibility' });
    expect(screen.getByText(/Some images are public and some private/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Copy set link' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Public' }));
    expect(await screen.findByRole('button', { name: 'Copy set link' })).toBeInTheDocument();
    expect(screen.getByText(/those still being made included/)).toBeInTheDocument();
    expect(transport.calls).toContainEqual(['sets.set_visibility', { set_id: 'set_1', visibility: 'public' }]);
  });

  it("shows someone else's public set without the owner's controls", async () => {
    const transport = new FakeTransport([]);
    transport.me = async () => me({ id: 'u2', username: 'grace' });
    transport.handlers['sets.get'] = () => detail(['public'], 'public');
    renderSet(transport);
    expect(await screen.findByRole('heading', { name: 'two koi' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: '@ada' })).toHaveAttribute('href', '/u/ada');
    await screen.findByRole('button', { name: 'Account menu: grace' });
    expect(screen.queryByRole('radiogroup', { name: 'Set visibility' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Back to Create/ })).not.toBeInTheDocument();
  });
});
