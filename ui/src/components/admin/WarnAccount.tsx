// A warning to an account in the admin's words: the step short of suspending it. The account is
// told at once (a notification it cannot turn off) and the audit log keeps the same words.

import { useState } from 'react';
import { TriangleAlert } from 'lucide-react';
import { useWarnUser } from '../../api/adminHooks';
import { describeError } from '../../api/errors';
import { reasonReady } from './ReasonField';

export function WarnAccount({ userId, username }: { userId: string; username: string }) {
  const warn = useWarnUser();
  const [message, setMessage] = useState('');
  const [sent, setSent] = useState(false);
  const ready = reasonReady(message) && message.trim().length <= 500;
  return (
    <form
      className="rounded-xl border border-line p-3"
      aria-label={`Warn ${username}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        setSent(false);
        warn.mutate(
          { user_id: userId, message: message.trim() },
          {
            onSuccess: () => {
              setMessage('');
              setSent(true);
            },
          },
        );
      }}
    >
      <label className="text-sm font-semibold" htmlFor={`warn-${userId}`}>
        Warn {username}
      </label>
      <p className="text-xs text-fg-muted">They read these words in their notifications, from “the moderators”; the audit log keeps them.</p>
      <textarea
        id={`warn-${userId}`}
        className="input mt-2 min-h-16 w-full py-1.5"
        maxLength={500}
        placeholder="What must change, and what happens if it does not"
        value={message}
        onChange={(e) => setMessage(e.target.value)}
      />
      <div className="mt-2 flex items-center gap-3">
        <button type="submit" className="btn-secondary h-8" disabled={!ready || warn.isPending}>
          <TriangleAlert className="h-4 w-4" aria-hidden /> {warn.isPending ? 'Sending…' : 'Send warning'}
        </button>
        {sent && (
          <span className="text-xs text-emerald-500" role="status">
            Warning sent
          </span>
        )}
        {warn.error && (
          <span className="text-xs text-rose-500" role="alert">
            {describeError(warn.error).title}: {describeError(warn.error).detail}
          </span>
        )}
      </div>
    </form>
  );
}
