import { describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import { applyEvent } from './events';
import { socialKeys, threaded } from './socialHooks';
import type { Comment, Notification, NotificationsOutput } from './types';

function comment(id: string, parent: string | null, deleted = false): Comment {
  return {
    id,
    image_id: 'img_1',
    parent_id: parent,
    author: deleted ? null : { id: 'u1', username: 'ada' },
    body: deleted ? '' : `body ${id}`,
    deleted,
    likes: 0,
    replies: 0,
    liked: false,
    created_at: 1,
    edited_at: null,
  };
}

function notification(id: string): Notification {
  return {
    id,
    kind: 'like',
    actor: { id: 'u2', username: 'grace' },
    image_id: 'img_1',
    comment_id: null,
    on_own_image: true,
    read: false,
    created_at: 2,
  };
}

describe('threaded', () => {
  it('puts each reply under its comment, to any depth, keeping the order of the list', () => {
    const rows = threaded([comment('a', null, true), comment('b', null), comment('c', 'a'), comment('d', 'c'), comment('e', 'a')]);
    expect(rows.map((r) => [r.comment.id, r.depth])).toEqual([
      ['a', 0],
      ['c', 1],
      ['d', 2],
      ['e', 1],
      ['b', 0],
    ]);
  });

  it('shows a reply whose comment is gone at the top level instead of losing it', () => {
    expect(threaded([comment('x', 'missing')]).map((r) => r.depth)).toEqual([0]);
  });
});

describe('notification.created', () => {
  it('puts a pushed notification on top of the list once and counts it unread', () => {
    const qc = new QueryClient();
    qc.setQueryData<NotificationsOutput>(socialKeys.notifications, { notifications: [notification('old')], unread: 0 });
    const event = { type: 'notification.created', notification: notification('new') } as const;
    applyEvent(qc, event);
    applyEvent(qc, event);
    const list = qc.getQueryData<NotificationsOutput>(socialKeys.notifications);
    expect(list?.notifications.map((n) => n.id)).toEqual(['new', 'old']);
    expect(list?.unread).toBe(1);
  });
});
