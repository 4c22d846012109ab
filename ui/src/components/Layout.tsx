import { useEffect } from 'react';
import { NavLink, Outlet } from 'react-router';
import { BarChart3, Bell, Columns3, Compass, FolderHeart, Images, MessageSquare, Settings, Sparkles, Store } from 'lucide-react';
import { LiveStatusContext, useAccount, useLiveEvents, useMe } from '../api/hooks';
import { useDesktop } from '../api/desktopHooks';
import { useConversations, useNotifications } from '../api/socialHooks';
import { cn } from '../lib/format';
import { adoptAccountTheme } from '../lib/theme';
import { AccountArea } from './AccountArea';
import { CommunityScope, ServerLive } from './CommunityScope';
import { StreakChip } from './engagement/StreakChip';

const NAV = [
  { to: '/', label: 'Create', icon: Sparkles, end: true },
  { to: '/compare', label: 'Compare', icon: Columns3, end: false },
  { to: '/library', label: 'Library', icon: Images, end: false },
  { to: '/collections', label: 'Collections', icon: FolderHeart, end: false },
  { to: '/explore', label: 'Explore', icon: Compass, end: false },
  { to: '/market', label: 'Market', icon: Store, end: false },
  { to: '/analytics', label: 'Analytics', icon: BarChart3, end: false },
  { to: '/settings', label: 'Settings', icon: Settings, end: false },
];

/** A header icon with an unread badge, kept current by live events. */
function CountLink({ to, label, unread, icon: Icon }: { to: string; label: string; unread: number; icon: typeof Bell }) {
  return (
    <NavLink
      to={to}
      className={({ isActive }) =>
        cn('relative flex h-8 w-8 items-center justify-center rounded-full hover:bg-surface-2', isActive && 'bg-surface-2')
      }
      aria-label={unread > 0 ? `${label}: ${unread} unread` : label}
    >
      <Icon className="h-4 w-4" aria-hidden />
      {unread > 0 && (
        <span className="absolute -right-0.5 -top-0.5 min-w-[18px] rounded-full bg-rose-500 px-1 text-center text-[10px] font-semibold leading-[18px] text-white tabular-nums">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </NavLink>
  );
}

/** The bell: unread notifications (`notification.created` events). */
function NotificationBell() {
  const list = useNotifications(true);
  return <CountLink to="/notifications" label="Notifications" unread={list.data?.unread ?? 0} icon={Bell} />;
}

/** Direct messages: unread across conversations (`message.created` events). */
function MessagesLink() {
  const inbox = useConversations(true);
  return <CountLink to="/messages" label="Messages" unread={inbox.data?.unread ?? 0} icon={MessageSquare} />;
}

/** The streak chip, where the server keeps streaks (the account says so). */
function DailyStreak({ userId }: { userId: string }) {
  // The header's balance fetches the account; this only reads it (see AccountMenu).
  const account = useAccount(false);
  return account.data?.engagement ? <StreakChip userId={userId} /> : null;
}

export function Layout() {
  const me = useMe();
  // Events are per account: open the stream once someone is signed in (a signed-out stream is refused).
  // If /api/me itself failed, try anyway: the stream's own state then tells whether the server is there.
  const live = !!me.data || me.isError;
  const status = useLiveEvents(live);
  // Social pages are the server's: on the desktop, the team server's while signed in to one.
  const desktop = !!useDesktop();
  const accountTheme = me.data?.settings.theme;
  useEffect(() => {
    if (accountTheme) adoptAccountTheme(accountTheme);
  }, [accountTheme]);
  return (
    <LiveStatusContext.Provider value={status}>
      <div className="flex min-h-screen flex-col">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:fixed focus:left-3 focus:top-3 focus:z-50 focus:rounded-md focus:bg-surface-1 focus:px-3 focus:py-2"
        >
          Skip to content
        </a>
        <header className="sticky top-0 z-30 border-b border-line bg-surface-0/80 backdrop-blur-xl">
          <div className="mx-auto flex h-14 max-w-[1600px] items-center gap-3 px-4 sm:gap-6 sm:px-6">
            <NavLink to="/" className="flex shrink-0 items-center gap-2 rounded-md font-semibold tracking-tight" aria-label="Pixel Studio home">
              <span className="grid h-7 w-7 grid-cols-2 gap-0.5 rounded-lg bg-gradient-to-br from-violet-500 to-fuchsia-500 p-1.5" aria-hidden>
                <span className="rounded-[2px] bg-white" />
                <span />
                <span />
                <span className="rounded-[2px] bg-white" />
              </span>
              <span className="hidden whitespace-nowrap 2xl:inline">Pixel Studio</span>
            </NavLink>
            <nav aria-label="Main" className="flex items-center gap-1">
              {NAV.map(({ to, label, icon: Icon, end }) => (
                <NavLink
                  key={to}
                  to={to}
                  end={end}
                  aria-label={label}
                  className={({ isActive }) =>
                    cn(
                      'flex h-8 items-center gap-1.5 rounded-lg px-3 text-sm font-medium transition-colors',
                      isActive ? 'bg-surface-2 text-fg' : 'text-fg-muted hover:text-fg',
                    )
                  }
                >
                  <Icon className="h-4 w-4" aria-hidden />
                  <span className="hidden xl:inline">{label}</span>
                </NavLink>
              ))}
            </nav>
            <div className="ml-auto flex items-center gap-2 sm:gap-3">
              {live && status !== 'open' && (
                <span className="chip" role="status" title="Live updates reconnect automatically">
                  <span className="h-1.5 w-1.5 rounded-full bg-amber-500" aria-hidden />
                  {status === 'connecting' ? 'Connecting…' : 'Offline — reconnecting'}
                </span>
              )}
              {desktop ? (
                <CommunityScope fallback={null}>
                  <ServerLive />
                  <MessagesLink />
                  <NotificationBell />
                </CommunityScope>
              ) : (
                !!me.data && (
                  <>
                    <DailyStreak userId={me.data.id} />
                    <MessagesLink />
                    <NotificationBell />
                  </>
                )
              )}
              <AccountArea />
            </div>
          </div>
        </header>
        <main id="main" className="flex-1">
          <Outlet />
        </main>
        {/* The server's own pages; the desktop reaches a team server's through its community pages. */}
        {!desktop && (
          <footer className="border-t border-line">
            <nav aria-label="About" className="mx-auto flex max-w-[1600px] items-center gap-4 px-4 py-3 text-xs text-fg-subtle sm:px-6">
              <span>Pixel Studio</span>
              <NavLink to="/whats-new" className="hover:text-fg">
                What’s new
              </NavLink>
              <NavLink to="/blog" className="hover:text-fg">
                Blog
              </NavLink>
            </nav>
          </footer>
        )}
      </div>
    </LiveStatusContext.Provider>
  );
}
