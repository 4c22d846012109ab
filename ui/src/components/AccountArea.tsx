import { lazy, Suspense } from 'react';
import { Link, NavLink } from 'react-router';
import { Coins } from 'lucide-react';
import { useAccount, useMe } from '../api/hooks';
import type { Me } from '../api/types';
import { HeaderSignIn } from './SignIn';

const AccountMenu = lazy(() => import('./AccountMenu').then((m) => ({ default: m.AccountMenu })));

/**
 * The right end of the header: who is signed in and their credits. With sign-in (oidc) that is a sign-in
 * button or the account menu; a single-owner install (desktop, local server) has no one to switch to, so it
 * only shows the owner's initial.
 */
export function AccountArea() {
  const me = useMe();
  // The live balance: `balance.changed` events and submissions keep the account query current.
  const account = useAccount(!!me.data);
  if (me.data === null) return <HeaderSignIn />;
  if (!me.data) return null;
  const charging = account.data?.charging ?? me.data.charging;
  const balance = account.data?.balance ?? me.data.credits;
  return (
    <>
      {charging && (
        <NavLink
          to="/credits"
          className="flex h-8 items-center gap-1.5 rounded-full border border-line bg-surface-1 px-3 text-sm font-medium tabular-nums"
          aria-label={`Balance: ${balance} credits`}
        >
          <Coins className="h-4 w-4 text-amber-400" aria-hidden />
          {balance.toLocaleString('en-US')}
        </NavLink>
      )}
      {me.data.auth_mode === 'oidc' ? (
        <Suspense fallback={<Avatar me={me.data} />}>
          <AccountMenu me={me.data} />
        </Suspense>
      ) : (
        <Link
          to="/settings/account"
          className="flex h-8 w-8 items-center justify-center rounded-full bg-surface-3 text-xs font-semibold uppercase"
          title={`${me.data.username} (owner)`}
          aria-label={`Owner: ${me.data.username}. Account settings`}
        >
          {me.data.username.slice(0, 1)}
        </Link>
      )}
    </>
  );
}

/** Stands in for the menu's trigger, at its size, while the menu's code loads. */
function Avatar({ me }: { me: Me }) {
  return (
    <span className="flex h-8 items-center gap-2 rounded-full border border-line bg-surface-1 px-1 text-sm font-medium sm:pr-2" aria-hidden>
      <span className="flex h-6 w-6 items-center justify-center rounded-full bg-gradient-to-br from-violet-500 to-fuchsia-500 text-[11px] font-semibold uppercase text-white">
        {me.username.slice(0, 1)}
      </span>
      <span className="hidden max-w-[12rem] truncate md:inline">{me.username}</span>
      <span className="hidden w-3.5 sm:block" />
    </span>
  );
}
