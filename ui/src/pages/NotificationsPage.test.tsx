import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import type { Notification } from '../api/types';
import { FakeTransport } from '../test/fakeTransport';
import { me } from '../test/fixtures';
import { renderApp } from '../test/renderApp';

function resolved(id: string, outcome: 'dismissed' | 'hidden' | 'deleted'): Notification {
  return { id, kind: 'report_resolved', actor: null, image_id: null, comment_id: null, on_own_image: false, report_outcome: outcome, read: false, created_at: 1 };
}

describe('Notifications', () => {
  it('tells a reporter how each report ended', async () => {
    const transport = new FakeTransport([]);
    transport.me = vi.fn(async () => me());
    transport.handlers['notifications.list'] = () => ({
      notifications: [resolved('n1', 'hidden'), resolved('n2', 'deleted'), resolved('n3', 'dismissed')],
      unread: 3,
    });
    transport.handlers['messages.conversations'] = () => ({ conversations: [], unread: 0 });
    renderApp(transport, '/notifications');
    const list = await screen.findByRole('list', { name: 'Notifications' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringContaining('Thanks for your report: the image is no longer public'),
      expect.stringContaining('Thanks for your report: the image was removed'),
      expect.stringContaining('Thanks for your report: we looked and found no rule broken, so nothing was removed'),
    ]);
  });

  it('shows a warning in the moderators\' words, and sends admins to the providers when one runs low', async () => {
    const transport = new FakeTransport([]);
    transport.me = vi.fn(async () => me());
    const base = { actor: null, image_id: null, comment_id: null, on_own_image: false, read: false, created_at: 1 };
    transport.handlers['notifications.list'] = () => ({
      notifications: [
        { ...base, id: 'w1', kind: 'account_warned', message: 'Keep comments about the work.' },
        { ...base, id: 'p1', kind: 'provider_low_balance', message: 'Black Forest Labs has 40.50 credits left.' },
      ],
      unread: 2,
    });
    transport.handlers['messages.conversations'] = () => ({ conversations: [], unread: 0 });
    renderApp(transport, '/notifications');
    const list = await screen.findByRole('list', { name: 'Notifications' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    const [warned, low] = items as [HTMLElement, HTMLElement];
    expect(warned.textContent).toContain('A warning from the moderators');
    expect(warned.textContent).toContain('Keep comments about the work.');
    expect(within(low).getByRole('link', { name: /running low/ }).getAttribute('href')).toBe('/admin?tab=overview');
    expect(low.textContent).toContain('Black Forest Labs has 40.50 credits left.');
  });
});
