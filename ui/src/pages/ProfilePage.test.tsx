import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient } from '../api/client';
import { ClientProvider } from '../api/context';
import { AppRoutes, makeQueryClient } from '../App';
import { FakeTransport } from '../test/fakeTransport';
import { me } from '../test/fixtures';
import type { Profile, UpdateProfile } from '../api/types';

function profile(over: Partial<Profile> = {}): Profile {
  return {
    user: { id: 'u1', username: 'ada' },
    followers: 2,
    following: 1,
    followed: false,
    own: true,
    blocked: false,
    joined_at: 1000,
    bio: '',
    ...over,
  };
}

function renderProfile(transport: FakeTransport) {
  transport.me = async () => me({ id: 'u1', username: 'ada' });
  transport.handlers['explore.list'] = () => ({ images: [] });
  render(
    <ClientProvider client={new ApiClient(transport)}>
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter initialEntries={['/u/ada']}>
          <AppRoutes />
        </MemoryRouter>
      </QueryClientProvider>
    </ClientProvider>,
  );
  return userEvent.setup();
}

describe('Profile page', () => {
  it('shows the bio and picture, and lets the owner change the bio within 280 characters', async () => {
    const transport = new FakeTransport([]);
    transport.handlers['profiles.get'] = () => profile({ avatar_url: '/media/img_9/thumb', bio: 'Koi.' });
    transport.handlers['profiles.update'] = (input) => ({
      bio: ((input as UpdateProfile).bio ?? '').trim(),
      avatar_url: '/media/img_9/thumb',
    });
    const user = renderProfile(transport);
    expect(await screen.findByText('Koi.')).toBeInTheDocument();
    expect(document.querySelector('main img[src="/media/img_9/thumb"]')).not.toBeNull();

    await user.click(screen.getByRole('button', { name: 'Edit profile' }));
    const bio = screen.getByLabelText('Bio');
    await user.clear(bio);
    await user.type(bio, 'x'.repeat(281));
    expect(screen.getByText('1 characters too many')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    await user.clear(bio);
    await user.type(bio, 'Fog and lighthouses');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Fog and lighthouses')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Edit profile' })).not.toBeInTheDocument();
    expect(transport.calls).toContainEqual(['profiles.update', { bio: 'Fog and lighthouses' }]);
  });

  it("offers no editing on someone else's profile", async () => {
    const transport = new FakeTransport([]);
    transport.handlers['profiles.get'] = () => profile({ own: false, user: { id: 'u2', username: 'ada' } });
    renderProfile(transport);
    await screen.findByRole('heading', { name: '@ada' });
    expect(screen.queryByRole('button', { name: 'Edit profile' })).not.toBeInTheDocument();
  });

  it("shows the creator's style: palette, models, subjects", async () => {
    const transport = new FakeTransport([]);
    transport.handlers['profiles.get'] = () => profile({ own: false, user: { id: 'u2', username: 'ada' } });
    transport.handlers['profiles.style'] = (input) => {
      expect(input).toEqual({ user_id: 'u2' });
      return {
        user_id: 'u2',
        images: 12,
        colours: [
          { hex: '#c81e1e', share: 0.7 },
          { hex: '#1428c8', share: 0.3 },
        ],
        models: [{ id: 'flux-pro', name: 'FLUX Pro', images: 9, share: 0.75 }],
        styles: [],
        subjects: [{ id: 'red fox', name: 'red fox', images: 4, share: 0.33 }],
      };
    };
    renderProfile(transport);
    const card = await screen.findByRole('region', { name: 'Style' });
    expect(card).toHaveTextContent('from 12 images');
    expect(screen.getByRole('img', { name: 'Palette: #c81e1e 70%, #1428c8 30%' })).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Models' })).toHaveTextContent('FLUX Pro75%');
    expect(screen.getByRole('list', { name: 'Subjects' })).toHaveTextContent('red fox');
    expect(screen.queryByRole('list', { name: 'Styles' })).not.toBeInTheDocument();
  });
});
