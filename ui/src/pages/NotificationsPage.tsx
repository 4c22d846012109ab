import { Link } from 'react-router';
import { Bell, Check, Trash2 } from 'lucide-react';
import type { Notification, NotificationKind, ReportResolution } from '../api/types';
import { useDeleteNotifications, useMarkNotificationsRead, useNotifications } from '../api/socialHooks';
import { Avatar } from '../components/social/PublicImageCard';
import { EmptyState, ErrorBanner, ErrorState, PageSpinner } from '../components/ui';
import { cn, formatCredits, formatRelative } from '../lib/format';
import { useTitle } from '../lib/title';
import { useImageHref } from '../api/community';

/** What each kind says after the actor's name (or on its own when the system tells it). */
const WORDS: Record<NotificationKind, string> = {
  new_follower: 'started following you',
  like: 'liked your image',
  comment: 'commented on your image',
  mention: 'mentioned you in a comment',
  generation_completed: 'Your image is ready',
  tip_received: 'sent you a tip',
  prompt_purchased: 'bought your prompt',
  collection_purchased: 'bought your collection',
  print_ordered: 'ordered a print of your image',
  achievement_unlocked: 'You unlocked an achievement',
  streak_milestone: 'You reached a streak milestone',
  payout_completed: 'Your payout was sent',
  payout_failed: 'A payout did not reach your bank: see Earnings',
  report_resolved: 'Thanks for your report',
  account_warned: 'A warning from the moderators',
  provider_low_balance: 'A provider is running low on credits',
};

/** How a report ended, after "Thanks for your report". */
const REPORT_OUTCOMES: Record<ReportResolution, string> = {
  dismissed: 'we looked and found no rule broken, so nothing was removed',
  hidden: 'the image is no longer public',
  deleted: 'the image was removed',
};

function target(n: Notification, imageHref: (id: string) => string): string | undefined {
  if (n.image_id) return `${imageHref(n.image_id)}${n.comment_id ? `#comment-${n.comment_id}` : ''}`;
  if (n.kind === 'new_follower' && n.actor) return `/u/${n.actor.username}`;
  if (n.kind === 'payout_completed' || n.kind === 'payout_failed') return '/earnings';
  if (n.kind === 'achievement_unlocked' || n.kind === 'streak_milestone') return '/achievements';
  if (n.kind === 'provider_low_balance') return '/admin?tab=overview';
  return undefined;
}

export function NotificationsPage() {
  useTitle('Notifications');
  const imageHref = useImageHref();
  const list = useNotifications(true);
  const mark = useMarkNotificationsRead();
  const del = useDeleteNotifications();
  if (list.isPending) return <PageSpinner />;
  if (list.isError) return <ErrorState className="min-h-[50vh]" error={list.error} onRetry={() => void list.refetch()} />;
  const { notifications, unread } = list.data;
  return (
    <div className="mx-auto max-w-2xl px-4 py-6 sm:px-6">
      <div className="mb-4 flex items-center gap-3">
        <h1 className="text-lg font-semibold">Notifications</h1>
        {unread > 0 && <span className="chip">{unread} unread</span>}
        <button
          type="button"
          className="btn-ghost ml-auto h-8"
          disabled={unread === 0 || mark.isPending}
          onClick={() => mark.mutate(undefined)}
        >
          <Check className="h-4 w-4" aria-hidden /> Mark all read
        </button>
      </div>
      {(mark.error ?? del.error) && <ErrorBanner className="mb-3" error={mark.error ?? del.error} />}
      {notifications.length === 0 ? (
        <EmptyState icon={<Bell className="h-5 w-5" aria-hidden />} title="Nothing new">
          Follows, likes, comments and mentions of you appear here the moment they happen.
        </EmptyState>
      ) : (
        <ul className="card divide-y divide-line" aria-label="Notifications">
          {notifications.map((n) => {
            const to = target(n, imageHref);
            // A comment on someone else's image reaches you as a reply to yours.
            const said = n.kind === 'comment' && !n.on_own_image ? 'replied to your comment' : WORDS[n.kind];
            const words = (
              <>
                {n.actor && <span className="font-medium">{n.actor.username} </span>}
                {said}
                {n.tip && <span className="font-medium tabular-nums"> of {formatCredits(n.tip.amount)}</span>}
                {n.award && <span className="font-medium">: {n.award.title}</span>}
                {n.report_outcome && <>: {REPORT_OUTCOMES[n.report_outcome]}</>}
              </>
            );
            return (
              <li key={n.id} className={cn('flex items-center gap-3 px-4 py-3', !n.read && 'bg-accent/5')}>
                {n.actor ? <Avatar name={n.actor.username} url={n.actor.avatar_url} /> : <Bell className="h-5 w-5 text-fg-subtle" aria-hidden />}
                <div className="min-w-0 flex-1 text-sm">
                  {to ? (
                    <Link to={to} className="hover:underline" onClick={() => !n.read && mark.mutate([n.id])}>
                      {words}
                    </Link>
                  ) : (
                    <span>{words}</span>
                  )}
                  {n.tip?.message && <p className="mt-0.5 whitespace-pre-line text-fg-muted">“{n.tip.message}”</p>}
                  {n.message && (
                    <p
                      className={cn(
                        'mt-0.5 whitespace-pre-line',
                        n.kind === 'account_warned' ? 'rounded-md border border-amber-500/40 bg-amber-500/10 px-2 py-1 text-fg' : 'text-fg-muted',
                      )}
                    >
                      {n.message}
                    </p>
                  )}
                  <div className="text-xs text-fg-subtle">{formatRelative(n.created_at)}</div>
                </div>
                {!n.read && <span className="h-2 w-2 rounded-full bg-accent" aria-label="Unread" />}
                <button
                  type="button"
                  className="btn-ghost h-8 px-2"
                  aria-label="Delete notification"
                  disabled={del.isPending}
                  onClick={() => del.mutate([n.id])}
                >
                  <Trash2 className="h-4 w-4" aria-hidden />
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
