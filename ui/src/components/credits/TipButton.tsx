// Tip a creator: a few credits from the caller's balance (1 to 1,000, with an optional message of up to
// 500 characters), shown only where credits are in use. One request key per opened dialog, so a retry
// after a lost answer never tips twice.

import * as Dialog from '@radix-ui/react-dialog';
import { useState } from 'react';
import { Coins } from 'lucide-react';
import { useSendTip } from '../../api/creditsHooks';
import { useAccount } from '../../api/hooks';
import { ErrorBanner } from '../ui';
import { cn, formatBalance, formatCredits } from '../../lib/format';

const PRESETS = [5, 10, 25, 50];
const MAX_MESSAGE = 500;

export function TipButton({ userId, username, imageId }: { userId: string; username: string; imageId?: string }) {
  const account = useAccount();
  const send = useSendTip();
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState(10);
  const [message, setMessage] = useState('');
  const [requestKey, setRequestKey] = useState('');
  const [sent, setSent] = useState<number | null>(null);
  if (!account.data?.charging) return null;
  const balance = account.data.balance;
  const valid = Number.isInteger(amount) && amount >= 1 && amount <= 1000 && message.length <= MAX_MESSAGE;

  const openDialog = (next: boolean) => {
    setOpen(next);
    if (next) {
      setRequestKey(crypto.randomUUID());
      setSent(null);
      send.reset();
    }
  };

  return (
    <Dialog.Root open={open} onOpenChange={openDialog}>
      <Dialog.Trigger className="btn-secondary h-8">
        <Coins className="h-4 w-4" aria-hidden /> Tip
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/60 backdrop-blur-sm" />
        <Dialog.Content className="card fixed left-1/2 top-1/2 z-50 w-[min(92vw,420px)] -translate-x-1/2 -translate-y-1/2 p-6 shadow-2xl">
          <Dialog.Title className="text-base font-semibold">Tip @{username}</Dialog.Title>
          {sent !== null ? (
            <>
              <Dialog.Description className="mt-3 text-sm" role="status">
                You sent {formatCredits(sent)} to @{username}. They have been told.
              </Dialog.Description>
              <div className="mt-6 flex justify-end">
                <Dialog.Close className="btn-primary">Done</Dialog.Close>
              </div>
            </>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (!valid) return;
                send.mutate(
                  {
                    user_id: userId,
                    amount,
                    request_key: requestKey,
                    ...(message.trim() ? { message } : {}),
                    ...(imageId ? { image_id: imageId } : {}),
                  },
                  { onSuccess: () => setSent(amount) },
                );
              }}
            >
              <Dialog.Description className="mt-1 text-sm text-fg-muted">
                Credits go straight to them, with no fee. You have {formatBalance(balance)}.
              </Dialog.Description>
              <fieldset className="mt-4">
                <legend className="text-xs font-medium text-fg-muted">Amount</legend>
                <div className="mt-2 flex flex-wrap gap-2">
                  {PRESETS.map((p) => (
                    <button
                      key={p}
                      type="button"
                      aria-pressed={amount === p}
                      className={cn('btn-secondary h-8 min-w-12', amount === p && 'border-accent text-accent')}
                      onClick={() => setAmount(p)}
                    >
                      {p}
                    </button>
                  ))}
                  <input
                    type="number"
                    min={1}
                    max={1000}
                    step={1}
                    aria-label="Credits to tip"
                    className="input h-8 w-24"
                    value={Number.isFinite(amount) ? amount : ''}
                    onChange={(e) => setAmount(e.target.valueAsNumber)}
                  />
                </div>
              </fieldset>
              <label className="mt-4 block text-xs font-medium text-fg-muted" htmlFor="tip-message">
                Message (optional)
              </label>
              <textarea
                id="tip-message"
                className="input mt-1 h-20 w-full resize-none py-2"
                maxLength={MAX_MESSAGE}
                value={message}
                onChange={(e) => setMessage(e.target.value)}
                placeholder="Say what you liked"
              />
              <p className="mt-1 text-right text-[11px] text-fg-subtle">
                {message.length}/{MAX_MESSAGE}
              </p>
              {send.error && <ErrorBanner className="mt-3" error={send.error} />}
              <div className="mt-5 flex justify-end gap-2">
                <Dialog.Close className="btn-secondary">Cancel</Dialog.Close>
                <button type="submit" className="btn-primary" disabled={!valid || send.isPending || amount > balance}>
                  {send.isPending ? 'Sending…' : `Send ${Number.isFinite(amount) ? amount : ''} credits`}
                </button>
              </div>
            </form>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
