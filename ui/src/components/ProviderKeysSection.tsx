import { useId, useState, type FormEvent } from 'react';
import { KeyRound, ShieldCheck } from 'lucide-react';
import { useDeleteProviderKey, useDesktop, useProviderKeys, useSetProviderKey } from '../api/desktopHooks';
import type { KeyStatus } from '../api/desktop';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorBanner, ErrorState, Skeleton } from './ui';
import { cn } from '../lib/format';

/** Desktop only: provider API keys, kept in the OS keychain. Keys are write-only here: the app never
 * reads one back into the page, so the field is always empty and "Save" replaces what is stored. */
export function ProviderKeysSection() {
  const desktop = useDesktop();
  const list = useProviderKeys();
  if (!desktop) return null;
  return (
    <section className="card p-5" aria-labelledby="provider-keys">
      <h2 id="provider-keys" className="text-sm font-semibold">
        API keys
      </h2>
      <p className="mt-1 text-xs text-fg-muted">
        Stored in your system keychain on this computer and sent only to their provider. A saved key cannot be
        shown again.
      </p>
      {list.isPending ? (
        <div className="mt-4 space-y-2">
          <Skeleton className="h-20" />
          <Skeleton className="h-20" />
        </div>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <p className="mt-4 text-sm text-fg-subtle">No provider needs a key.</p>
      ) : (
        <ul className="mt-4 divide-y divide-line rounded-xl border border-line">
          {list.data.map((k) => (
            <KeyRow key={k.provider} status={k} />
          ))}
        </ul>
      )}
    </section>
  );
}

function KeyRow({ status }: { status: KeyStatus }) {
  const id = useId();
  const [value, setValue] = useState('');
  const [confirm, setConfirm] = useState(false);
  const save = useSetProviderKey(status.provider);
  const remove = useDeleteProviderKey(status.provider);
  const error = save.error ?? remove.error;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const key = value.trim();
    if (!key) return;
    remove.reset();
    // Clear the field only once the key is stored, so a failed save can be corrected and retried.
    save.mutate(key, { onSuccess: () => setValue('') });
  };

  return (
    <li className="px-4 py-3">
      <form onSubmit={onSubmit}>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <label htmlFor={id} className="font-medium">
            {status.name}
          </label>
          <span
            className={cn(
              'chip',
              status.stored && 'border-emerald-500/30 bg-emerald-500/10 text-emerald-600 dark:text-emerald-400',
            )}
          >
            {status.stored ? (
              <ShieldCheck className="h-3 w-3" aria-hidden />
            ) : (
              <KeyRound className="h-3 w-3" aria-hidden />
            )}
            {status.stored ? 'Stored in your system keychain' : 'Not set'}
          </span>
        </div>
        <div className="mt-2 flex gap-2">
          <input
            id={id}
            type="password"
            className="input min-w-0 flex-1"
            aria-label={`${status.name} API key`}
            placeholder={status.stored ? 'Paste a new key to replace it' : 'Paste your API key'}
            autoComplete="off"
            spellCheck={false}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
          <button
            type="submit"
            className="btn-primary"
            aria-label={`Save ${status.name} key`}
            disabled={!value.trim() || save.isPending}
          >
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          {status.stored && (
            <button
              type="button"
              className="btn-ghost"
              aria-label={`Remove ${status.name} key`}
              disabled={remove.isPending}
              onClick={() => setConfirm(true)}
            >
              Remove
            </button>
          )}
        </div>
        {error && <ErrorBanner className="mt-2" error={error} />}
      </form>
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title={`Remove the ${status.name} key?`}
        confirmLabel={remove.isPending ? 'Removing…' : 'Remove'}
        busy={remove.isPending}
        onConfirm={() => {
          save.reset();
          remove.mutate(undefined, { onSettled: () => setConfirm(false) });
        }}
      >
        It is deleted from your system keychain, and {status.name} models stop working until you add a key again.
        Many providers show a key only once, so keep a copy if you will need it.
      </ConfirmDialog>
    </li>
  );
}
