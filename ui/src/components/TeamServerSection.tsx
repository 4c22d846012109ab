import { useId, useState, type FormEvent } from 'react';
import { AlertTriangle, CheckCircle2, Loader2, LogIn, LogOut, Server } from 'lucide-react';
import { useDesktop, useServerSignIn, useServerSignOut, useServerStatus } from '../api/desktopHooks';
import type { ServerStatus } from '../api/desktop';
import { ErrorBanner, ErrorState, Skeleton } from './ui';
import { cn } from '../lib/format';

/** `https://pixel.example.com` -> `pixel.example.com`: the address as people say it. */
export function serverHost(server: string): string {
  try {
    return new URL(server).host || server;
  } catch {
    return server;
  }
}

/** What was typed, as an address the shell accepts: `pixel.example.com` means `https://pixel.example.com`.
 * Anything else (a wrong scheme...) goes as typed, for the shell to explain. */
export function serverAddress(typed: string): string {
  const t = typed.trim();
  return t && !/^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? `https://${t}` : t;
}

function creditWords(n: number): string {
  return `${n.toLocaleString('en-US')} ${Math.abs(n) === 1 ? 'credit' : 'credits'}`;
}

/** The shell's `problem` (lower-case, like error messages) as a warning line. */
export function ProblemLine({ problem, className }: { problem: string; className?: string }) {
  return (
    <p className={cn('flex gap-2 text-xs text-amber-600 dark:text-amber-400', className)} role="status">
      <AlertTriangle className="mt-px h-3.5 w-3.5 shrink-0" aria-hidden />
      <span>{problem.charAt(0).toUpperCase() + problem.slice(1)}</span>
    </p>
  );
}

/** Desktop only: signing in to a Pixel Studio team server (to publish images to it). Sign-in happens in the
 * system browser; the shell reports the outcome, so this section only starts it and shows where it stands. */
export function TeamServerSection() {
  const desktop = useDesktop();
  const status = useServerStatus();
  if (!desktop) return null;
  return (
    <section className="card p-5" aria-labelledby="team-server">
      <h2 id="team-server" className="text-sm font-semibold">
        Team server
      </h2>
      <p className="mt-1 text-xs text-fg-muted">
        Sign in to a Pixel Studio server to publish images to it. Your local library keeps working offline and
        signed out.
      </p>
      {status.isPending ? (
        <Skeleton className="mt-4 h-24" />
      ) : status.isError ? (
        <ErrorState error={status.error} onRetry={() => void status.refetch()} />
      ) : status.data.signed_in ? (
        <SignedIn status={status.data} />
      ) : (
        <SignedOut status={status.data} />
      )}
    </section>
  );
}

function SignedIn({ status }: { status: ServerStatus }) {
  const signOut = useServerSignOut();
  const me = status.account;
  const rows: Array<[string, string]> = [];
  if (status.server) rows.push(['Server', status.server]);
  if (me) {
    rows.push(['Username', me.username]);
    if (me.email) rows.push(['Email', me.email]);
    rows.push(['Credits', me.charging ? creditWords(me.credits) : 'Not charged on this server']);
  }
  return (
    <div className="mt-4">
      <div className="rounded-xl border border-line px-4 py-3">
        <p className="flex items-center gap-2 text-sm font-medium">
          <CheckCircle2 className="h-4 w-4 text-emerald-500" aria-hidden />
          Signed in{status.server && <> to {serverHost(status.server)}</>}
        </p>
        <dl className="mt-2 divide-y divide-line text-sm">
          {rows.map(([k, v]) => (
            <div key={k} className="flex gap-4 py-1.5">
              <dt className="w-24 shrink-0 text-fg-subtle">{k}</dt>
              <dd className="min-w-0 break-words text-fg [overflow-wrap:anywhere]">{v}</dd>
            </div>
          ))}
        </dl>
        {status.problem && <ProblemLine className="mt-2" problem={status.problem} />}
      </div>
      <div className="mt-3 flex justify-end">
        <button type="button" className="btn-secondary" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
          <LogOut className="h-4 w-4" aria-hidden /> {signOut.isPending ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
      {signOut.error && <ErrorBanner className="mt-3" error={signOut.error} />}
    </div>
  );
}

function SignedOut({ status }: { status: ServerStatus }) {
  const id = useId();
  // Until something is typed, offer the server used last: it is the likely one again.
  const [typed, setTyped] = useState<string | null>(null);
  const address = typed ?? status.server ?? '';
  const signIn = useServerSignIn();
  const cancel = useServerSignOut();
  const waiting = status.pending;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const server = serverAddress(address);
    if (!server || waiting) return;
    cancel.reset();
    signIn.mutate(server);
  };

  return (
    <form className="mt-4" onSubmit={onSubmit} aria-label="Sign in to a team server">
      <label htmlFor={id} className="label">
        Server address
      </label>
      <div className="mt-1.5 flex gap-2">
        <input
          id={id}
          type="text"
          inputMode="url"
          className="input min-w-0 flex-1"
          placeholder="https://pixel.example.com"
          autoComplete="url"
          spellCheck={false}
          value={address}
          disabled={waiting}
          onChange={(e) => setTyped(e.target.value)}
        />
        <button type="submit" className="btn-primary" disabled={!address.trim() || waiting || signIn.isPending}>
          <LogIn className="h-4 w-4" aria-hidden /> Sign in
        </button>
      </div>
      {waiting && (
        <div className="mt-3 flex items-center gap-3 rounded-xl border border-line bg-surface-2 px-3.5 py-3 text-sm" role="status">
          <Loader2 className="h-4 w-4 shrink-0 animate-spin text-fg-subtle" aria-hidden />
          <div className="min-w-0 flex-1">
            <p className="font-medium">Waiting for the browser…</p>
            <p className="text-xs text-fg-muted">
              Finish signing in on the page that opened
              {signIn.variables ? <> for {serverHost(signIn.variables)}</> : null}, then come back here.
            </p>
          </div>
          <button type="button" className="btn-ghost" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
            Cancel
          </button>
        </div>
      )}
      {status.problem && <ProblemLine className="mt-3" problem={status.problem} />}
      {signIn.error && <ErrorBanner className="mt-3" error={signIn.error} />}
      {cancel.error && <ErrorBanner className="mt-3" error={cancel.error} />}
      {!waiting && !status.problem && !signIn.error && (
        <p className="mt-2 flex items-center gap-1.5 text-xs text-fg-subtle">
          <Server className="h-3.5 w-3.5" aria-hidden /> Your browser opens the server’s sign-in page.
        </p>
      )}
    </form>
  );
}
