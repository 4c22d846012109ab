import { Link } from 'react-router';
import * as Menu from '@radix-ui/react-dropdown-menu';
import { ChevronDown, LogOut, Package, ShieldCheck, Trophy, UserCog } from 'lucide-react';
import { useAccount, useSignOut } from '../api/hooks';
import { describeError } from '../api/errors';
import type { Me } from '../api/types';

/** The signed-in account's menu (servers with sign-in only; loaded on demand, so single-owner installs never
 * download the menu primitives). */
export function AccountMenu({ me }: { me: Me }) {
  const signOut = useSignOut();
  // Read from what the header's balance fetched: a query of its own here would fetch the account
  // again in the moment between signing out and the menu closing.
  const engagement = useAccount(false).data?.engagement ?? false;
  return (
    <>
      {signOut.error && (
        <span className="chip border-red-500/30 text-red-600 dark:text-red-400" role="alert" title={describeError(signOut.error).detail}>
          Sign-out failed
        </span>
      )}
      <Menu.Root modal={false}>
        <Menu.Trigger
          className="flex h-8 items-center gap-2 rounded-full border border-line bg-surface-1 px-1 text-sm sm:pr-2 font-medium hover:bg-surface-2 data-[state=open]:bg-surface-2"
          aria-label={`Account menu: ${me.username}`}
        >
          <span className="flex h-6 w-6 items-center justify-center rounded-full bg-gradient-to-br from-violet-500 to-fuchsia-500 text-[11px] font-semibold uppercase text-white" aria-hidden>
            {me.username.slice(0, 1)}
          </span>
          <span className="hidden max-w-[12rem] truncate md:inline">{me.username}</span>
          <ChevronDown className="hidden h-3.5 w-3.5 text-fg-subtle sm:block" aria-hidden />
        </Menu.Trigger>
        <Menu.Portal>
          <Menu.Content
            align="end"
            sideOffset={6}
            className="card z-50 min-w-[14rem] p-1.5 shadow-2xl shadow-black/30"
          >
            <div className="px-2.5 pb-2 pt-1.5">
              <p className="text-xs text-fg-subtle">Signed in as</p>
              <p className="truncate font-medium">{me.username}</p>
              {me.email && <p className="truncate text-xs text-fg-muted">{me.email}</p>}
            </div>
            <Menu.Separator className="my-1 h-px bg-line" />
            <Menu.Item asChild>
              <Link to="/settings/account" className={ITEM}>
                <UserCog className="h-4 w-4" aria-hidden /> Account settings
              </Link>
            </Menu.Item>
            {engagement && (
              <Menu.Item asChild>
                <Link to="/achievements" className={ITEM}>
                  <Trophy className="h-4 w-4" aria-hidden /> Achievements
                </Link>
              </Menu.Item>
            )}
            <Menu.Item asChild>
              <Link to="/prints" className={ITEM}>
                <Package className="h-4 w-4" aria-hidden /> Print orders
              </Link>
            </Menu.Item>
            {me.role === 'admin' && (
              <Menu.Item asChild>
                <Link to="/admin" className={ITEM}>
                  <ShieldCheck className="h-4 w-4" aria-hidden /> Admin
                </Link>
              </Menu.Item>
            )}
            <Menu.Item className={ITEM} disabled={signOut.isPending} onSelect={() => signOut.mutate()}>
              <LogOut className="h-4 w-4" aria-hidden /> {signOut.isPending ? 'Signing out…' : 'Sign out'}
            </Menu.Item>
          </Menu.Content>
        </Menu.Portal>
      </Menu.Root>
    </>
  );
}

const ITEM =
  'flex cursor-default select-none items-center gap-2 rounded-lg px-2.5 py-2 text-sm text-fg-muted outline-none data-[highlighted]:bg-surface-2 data-[highlighted]:text-fg data-[disabled]:opacity-50';
