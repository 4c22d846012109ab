// The way to pay a price in credits: sign in first, then a button that spends them, with the balance
// beside it and, when it is not enough, the way to buy more.

import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useAccount, useMe } from '../../api/hooks';
import { formatBalance } from '../../lib/format';

export function PayWithCredits({
  price,
  label,
  busyLabel,
  signInLabel,
  icon,
  busy,
  disabled = false,
  onPay,
}: {
  price: number;
  label: string;
  busyLabel: string;
  signInLabel: string;
  icon: ReactNode;
  busy: boolean;
  disabled?: boolean;
  onPay: () => void;
}) {
  const me = useMe();
  const account = useAccount(!!me.data);
  if (!me.data) {
    return (
      <Link to="/settings/account" className="btn-primary w-full">
        {signInLabel}
      </Link>
    );
  }
  const balance = account.data?.balance ?? 0;
  return (
    <>
      <button type="button" className="btn-primary w-full" disabled={busy || disabled || balance < price} onClick={onPay}>
        {icon} {busy ? busyLabel : label}
      </button>
      <p className="text-xs text-fg-subtle">
        You have {formatBalance(balance)}.{' '}
        {balance < price && (
          <Link to="/credits" className="text-accent hover:underline">
            Buy credits
          </Link>
        )}
      </p>
    </>
  );
}
