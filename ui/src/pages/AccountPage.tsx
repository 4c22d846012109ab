import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Check, ChevronRight, Copy, Globe, KeyRound, Lock, LogOut, Monitor } from 'lucide-react';
import { useAccount, useMe, useUpdateAccount } from '../api/hooks';
import { useCreateToken, useRevokeAllSessions, useRevokeSession, useSessions } from '../api/accountHooks';
import { ApiError } from '../api/client';
import { useDesktop } from '../api/desktopHooks';
import type { AccountOutput, AccountSettings, NotificationPrefs, SessionInfo, UpdateAccount, Visibility } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ExportLink } from '../components/library/ExportLink';
import { RadioCards } from '../components/RadioCards';
import { Switch } from '../components/Switch';
import { ThemePicker } from '../components/ThemePicker';
import { ErrorBanner, ErrorState, PageSpinner, Skeleton } from '../components/ui';
import { cn, formatDate, formatRelative } from '../lib/format';
import { useTitle } from '../lib/title';

/** The server's rule (validate_username in pixel-core), checked here first so the hint can say what is wrong. */
const USERNAME = /^[a-z][a-z0-9_]{2,29}$/;
const USERNAME_HINT = '3–30 characters: lowercase letters, digits and _, starting with a letter.';

type Group = 'activity' | 'community' | 'earnings';
const GROUPS: Array<{ id: Group; title: string }> = [
  { id: 'community', title: 'Community' },
  { id: 'earnings', title: 'Sales and earnings' },
  { id: 'activity', title: 'Your activity' },
];

// A Record over every key: when the Rust side adds a switch, this stops compiling until it has words here.
const NOTIFICATIONS: Record<keyof NotificationPrefs, { group: Group; label: string; hint: string }> = {
  generation_completed: { group: 'activity', label: 'Generation finished', hint: 'When images you queued are ready.' },
  new_follower: { group: 'community', label: 'New followers', hint: 'Someone follows you.' },
  like: { group: 'community', label: 'Likes', hint: 'Someone likes one of your images.' },
  comment: { group: 'community', label: 'Comments', hint: 'Someone comments on your images.' },
  mention: { group: 'community', label: 'Mentions', hint: 'Someone mentions @you.' },
  tip_received: { group: 'earnings', label: 'Tips', hint: 'Someone sends you a tip.' },
  prompt_purchased: { group: 'earnings', label: 'Prompt sales', hint: 'Someone buys one of your prompts.' },
  collection_purchased: { group: 'earnings', label: 'Collection sales', hint: 'Someone buys one of your collections.' },
  print_ordered: { group: 'earnings', label: 'Print orders', hint: 'Someone orders a print of one of your images.' },
  payout_completed: { group: 'earnings', label: 'Payouts', hint: 'A payout reaches your bank.' },
  achievement_unlocked: { group: 'activity', label: 'Achievements', hint: 'You unlock an achievement.' },
  streak_milestone: { group: 'activity', label: 'Streaks', hint: 'Your creation streak reaches a milestone.' },
};
const NOTIFICATION_KEYS = Object.keys(NOTIFICATIONS) as Array<keyof NotificationPrefs>;

export function AccountPage() {
  useTitle('Account settings');
  const me = useMe();
  const account = useAccount();
  const desktop = useDesktop();

  if (account.isPending) return <PageSpinner />;
  if (account.isError)
    return <ErrorState className="min-h-[50vh]" error={account.error} onRetry={() => void account.refetch()} />;
  const oidc = me.data?.auth_mode === 'oidc';

  return (
    <div className="mx-auto max-w-3xl space-y-6 px-4 pb-28 pt-6 sm:px-6">
      <div>
        <nav aria-label="Breadcrumb" className="flex items-center gap-1 text-xs text-fg-subtle">
          <Link to="/settings" className="hover:text-fg">
            Settings
          </Link>
          <ChevronRight className="h-3 w-3" aria-hidden />
          <span aria-current="page">Account</span>
        </nav>
        <h1 className="mt-1 text-lg font-semibold">Account settings</h1>
      </div>

      <ProfileForm account={account.data} />

      <section className="card p-5" aria-labelledby="appearance">
        <h2 id="appearance" className="text-sm font-semibold">
          Appearance
        </h2>
        <ThemePicker />
      </section>

      {oidc ? (
        <>
          <SessionsSection />
          <TokensSection />
        </>
      ) : (
        !desktop && (
          <p className="px-1 text-xs text-fg-subtle">
            Sign-in is off on this server: it runs for its owner only, so there are no sessions or API tokens to manage.
          </p>
        )
      )}
    </div>
  );
}

/** Unsaved changes over the account as last loaded; what is not edited follows the server. */
type Edits = {
  username?: string;
  profile_private?: boolean;
  default_visibility?: Visibility;
  notifications?: Partial<NotificationPrefs>;
};

function sameSettings(a: AccountSettings, b: AccountSettings): boolean {
  return (
    a.profile_private === b.profile_private &&
    a.default_visibility === b.default_visibility &&
    NOTIFICATION_KEYS.every((k) => a.notifications[k] === b.notifications[k])
  );
}

/** Username, privacy and notifications, saved together with one button (the theme saves on its own). */
function ProfileForm({ account }: { account: AccountOutput }) {
  const [edits, setEdits] = useState<Edits>({});
  const [showUsernameRule, setShowUsernameRule] = useState(false);
  const save = useUpdateAccount();
  // "Saved" shows for a moment after a save, then the bar goes away.
  const justSaved = useFlag(save.isSuccess ? save.submittedAt : 0, 2500);

  const base = account.settings;
  const username = edits.username ?? account.user.username;
  const settings: AccountSettings = {
    ...base,
    profile_private: edits.profile_private ?? base.profile_private,
    default_visibility: edits.default_visibility ?? base.default_visibility,
    notifications: { ...base.notifications, ...edits.notifications },
  };
  const usernameChanged = username.trim() !== account.user.username;
  const settingsChanged = !sameSettings(settings, base);
  const dirty = usernameChanged || settingsChanged;
  const usernameValid = USERNAME.test(username.trim());

  // A server refusal that is about the username belongs under the field, not in a banner.
  const serverError = save.error instanceof ApiError ? save.error : null;
  const usernameError =
    serverError && (serverError.code === 'conflict' || /username/i.test(serverError.message))
      ? serverError.code === 'conflict'
        ? 'That username is taken. Try another.'
        : capitalise(serverError.message)
      : null;
  const localUsernameError = showUsernameRule && !usernameValid ? USERNAME_HINT : null;
  const fieldError = localUsernameError ?? (usernameChanged ? usernameError : null);

  const edit = (e: Edits) => {
    setEdits((old) => ({ ...old, ...e, notifications: { ...old.notifications, ...e.notifications } }));
    if (save.isError) save.reset();
  };

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    if (!dirty) return;
    if (usernameChanged && !usernameValid) {
      setShowUsernameRule(true);
      return;
    }
    const input: UpdateAccount = {};
    if (usernameChanged) input.username = username.trim();
    // Settings are one document: send them whole, with the theme as the account has it now (it saves apart).
    if (settingsChanged) input.settings = settings;
    save.mutate(input, { onSuccess: () => setEdits({}) });
  };

  const discard = () => {
    setEdits({});
    setShowUsernameRule(false);
    save.reset();
  };

  return (
    <form onSubmit={submit} className="space-y-6" aria-label="Profile and privacy">
      <section className="card p-5" aria-labelledby="profile">
        <h2 id="profile" className="text-sm font-semibold">
          Profile
        </h2>
        <div className="mt-4">
          <label htmlFor="username" className="label">
            Username
          </label>
          <div className="relative max-w-sm">
            <span className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-fg-subtle" aria-hidden>
              @
            </span>
            <input
              id="username"
              className={cn('input pl-7', fieldError && 'border-red-500 focus:border-red-500 focus:ring-red-500/30')}
              value={username}
              autoComplete="username"
              spellCheck={false}
              maxLength={30}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby="username-hint"
              onChange={(e) => edit({ username: e.target.value })}
              onBlur={() => setShowUsernameRule(usernameChanged)}
            />
          </div>
          <p
            id="username-hint"
            className={cn('mt-1.5 text-xs', fieldError ? 'text-red-600 dark:text-red-400' : 'text-fg-subtle')}
            role={fieldError ? 'alert' : undefined}
          >
            {fieldError ?? USERNAME_HINT}
          </p>
        </div>
        {account.user.email && (
          <p className="mt-4 text-xs text-fg-subtle">
            Email <span className="text-fg-muted">{account.user.email}</span> (from your Google account)
          </p>
        )}
      </section>

      <section className="card p-5" aria-labelledby="privacy">
        <h2 id="privacy" className="text-sm font-semibold">
          Privacy
        </h2>
        <div className="mt-2">
          <Switch
            label="Private profile"
            description="Hides your profile page and your public listing from everyone else."
            checked={settings.profile_private}
            onChange={(v) => edit({ profile_private: v })}
          />
        </div>
        <h3 className="mt-4 text-xs font-medium text-fg-muted">New images are</h3>
        <RadioCards
          label="Default visibility of new images"
          className="mt-2 grid gap-2 sm:grid-cols-2"
          value={settings.default_visibility}
          onChange={(v) => edit({ default_visibility: v as Visibility })}
          options={[
            {
              value: 'private',
              label: (
                <VisibilityOption icon={<Lock className="h-4 w-4" aria-hidden />} title="Private" detail="Only you can see them." />
              ),
            },
            {
              value: 'public',
              label: (
                <VisibilityOption
                  icon={<Globe className="h-4 w-4" aria-hidden />}
                  title="Public"
                  detail="Anyone with the link can see them."
                />
              ),
            },
          ]}
          itemClassName={(checked) =>
            cn(
              'flex items-start gap-3 rounded-xl border px-3.5 py-3 text-left transition-colors',
              checked ? 'border-accent/60 bg-accent/10 text-fg' : 'border-line text-fg-muted hover:text-fg',
            )
          }
        />
        <p className="mt-2 text-xs text-fg-subtle">You can change any image later on its page.</p>
      </section>

      <section className="card p-5" aria-labelledby="your-data">
        <h2 id="your-data" className="text-sm font-semibold">
          Your data
        </h2>
        <p className="mt-1 text-xs text-fg-muted">
          One zip with everything your account holds: your profile and settings, credits and their history, collections,
          tags, comments, likes and follows as JSON, and every image with its generation record.
        </p>
        <div className="mt-3">
          <ExportLink className="border border-line" query={{ whole_account: true }} label="Download your data" />
        </div>
      </section>

      <section className="card p-5" aria-labelledby="notifications">
        <h2 id="notifications" className="text-sm font-semibold">
          Notifications
        </h2>
        <p className="mt-1 text-xs text-fg-muted">Choose what you hear about.</p>
        <div className="mt-3 grid gap-x-8 gap-y-4 sm:grid-cols-2">
          {GROUPS.map((g) => (
            <fieldset key={g.id}>
              <legend className="text-xs font-medium uppercase tracking-wider text-fg-subtle">{g.title}</legend>
              <div className="divide-y divide-line">
                {NOTIFICATION_KEYS.filter((k) => NOTIFICATIONS[k].group === g.id).map((k) => (
                  <Switch
                    key={k}
                    label={NOTIFICATIONS[k].label}
                    description={NOTIFICATIONS[k].hint}
                    checked={settings.notifications[k]}
                    onChange={(v) => edit({ notifications: { [k]: v } })}
                  />
                ))}
              </div>
            </fieldset>
          ))}
        </div>
      </section>

      {(dirty || save.isPending || justSaved || (save.isError && !usernameError)) && (
        // Fixed at the bottom, so Save is in reach wherever the change was made, and says "Saved" where Save was
        // pressed; out of the flow, so showing and hiding it never moves the page (which keeps room for it).
        <div className="fixed inset-x-0 bottom-4 z-20 mx-auto max-w-3xl px-4 sm:px-6">
          <div className="card flex flex-wrap items-center gap-3 px-4 py-3 shadow-2xl shadow-black/30">
            {save.isError && !usernameError ? (
              <ErrorBanner className="w-full" error={save.error} />
            ) : justSaved && !dirty ? (
              <p role="status" className="flex items-center gap-1.5 text-sm text-emerald-600 dark:text-emerald-400">
                <Check className="h-4 w-4" aria-hidden /> Saved
              </p>
            ) : (
              <p className="text-sm text-fg-muted">You have unsaved changes.</p>
            )}
            {(dirty || save.isPending) && (
              <div className="ml-auto flex gap-2">
                <button type="button" className="btn-ghost" onClick={discard} disabled={save.isPending}>
                  Discard
                </button>
                <button type="submit" className="btn-primary" disabled={save.isPending || !dirty}>
                  {save.isPending ? 'Saving…' : 'Save changes'}
                </button>
              </div>
            )}
          </div>
        </div>
      )}
    </form>
  );
}

function VisibilityOption({ icon, title, detail }: { icon: ReactNode; title: string; detail: string }) {
  return (
    <>
      <span className="mt-0.5">{icon}</span>
      <span>
        <span className="block text-sm font-medium">{title}</span>
        <span className="block text-xs text-fg-subtle">{detail}</span>
      </span>
    </>
  );
}

function sessionTitle(s: SessionInfo): string {
  if (s.kind === 'token') return s.label;
  return s.label && s.label !== 'browser' ? s.label : 'Web browser';
}

function SessionsSection() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const revokeAll = useRevokeAllSessions();
  const [confirmAll, setConfirmAll] = useState(false);

  return (
    <section className="card p-5" aria-labelledby="sessions">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="sessions" className="text-sm font-semibold">
            Where you’re signed in
          </h2>
          <p className="mt-1 text-xs text-fg-muted">Browsers and API tokens that can use your account.</p>
        </div>
        <button type="button" className="btn-secondary text-red-600 dark:text-red-400" onClick={() => setConfirmAll(true)}>
          <LogOut className="h-4 w-4" aria-hidden /> Sign out everywhere
        </button>
      </div>
      {sessions.isPending ? (
        <div className="mt-4 space-y-2">
          <Skeleton className="h-14" />
          <Skeleton className="h-14" />
        </div>
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <ul className="mt-4 divide-y divide-line rounded-xl border border-line" aria-label="Sessions">
          {sessions.data.sessions.map((s) => {
            const busy = revoke.isPending && revoke.variables.id === s.id;
            const Icon = s.kind === 'token' ? KeyRound : Monitor;
            return (
              <li key={s.id} className="flex items-center gap-3 px-4 py-3" aria-label={sessionTitle(s)}>
                <Icon className="h-4 w-4 shrink-0 text-fg-subtle" aria-hidden />
                <div className="min-w-0 flex-1">
                  <p className="flex flex-wrap items-center gap-2 font-medium">
                    <span className="truncate">{sessionTitle(s)}</span>
                    {s.kind === 'token' && <span className="chip">API token</span>}
                    {s.current && (
                      <span className="chip border-emerald-500/30 bg-emerald-500/10 text-emerald-600 dark:text-emerald-400">
                        This device
                      </span>
                    )}
                  </p>
                  <p className="mt-0.5 text-xs text-fg-subtle">
                    {s.kind === 'token' ? 'Created' : 'Signed in'} {formatDate(s.created_at)} · Last used{' '}
                    {formatRelative(s.last_used_at)}
                  </p>
                </div>
                <button
                  type="button"
                  className="btn-ghost h-8 text-xs"
                  disabled={busy}
                  onClick={() => revoke.mutate(s)}
                  aria-label={`${s.current ? 'Sign out' : 'Revoke'} ${sessionTitle(s)}`}
                >
                  {busy ? 'Revoking…' : s.current ? 'Sign out' : 'Revoke'}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {revoke.error && <ErrorBanner className="mt-3" error={revoke.error} />}
      <ConfirmDialog
        open={confirmAll}
        onOpenChange={setConfirmAll}
        title="Sign out everywhere?"
        confirmLabel={revokeAll.isPending ? 'Signing out…' : 'Sign out everywhere'}
        busy={revokeAll.isPending}
        onConfirm={() => revokeAll.mutate(undefined, { onError: () => setConfirmAll(false) })}
      >
        Every browser, including this one, is signed out and every API token stops working. Scripts that use a token
        need a new one.
      </ConfirmDialog>
      {revokeAll.error && <ErrorBanner className="mt-3" error={revokeAll.error} />}
    </section>
  );
}

function TokensSection() {
  const create = useCreateToken();
  const [label, setLabel] = useState('');
  const [copied, setCopied] = useState(false);
  const token = create.data?.token;

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    if (!label.trim()) return;
    setCopied(false);
    create.mutate(label.trim(), { onSuccess: () => setLabel('') });
  };

  const copy = async (value: string) => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  return (
    <section className="card p-5" aria-labelledby="tokens">
      <h2 id="tokens" className="text-sm font-semibold">
        API tokens
      </h2>
      <p className="mt-1 text-xs text-fg-muted">
        For scripts and other apps: send it as <code className="text-fg">Authorization: Bearer &lt;token&gt;</code>. A token
        acts as you until you revoke it above.
      </p>
      {token ? (
        <div className="mt-4 rounded-xl border border-amber-500/40 bg-amber-500/10 p-4" role="status">
          <p className="text-sm font-medium">Copy your new token now</p>
          <p className="mt-0.5 text-xs text-fg-muted">
            You won’t see it again: only a fingerprint of it is kept. If you lose it, revoke it and create another.
          </p>
          <div className="mt-3 flex gap-2">
            <input
              className="input font-mono text-xs"
              readOnly
              value={token}
              aria-label="New API token"
              onFocus={(e) => e.target.select()}
            />
            <button type="button" className="btn-secondary shrink-0" onClick={() => void copy(token)}>
              {copied ? <Check className="h-4 w-4" aria-hidden /> : <Copy className="h-4 w-4" aria-hidden />}
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
          <button type="button" className="btn-primary mt-3" onClick={() => create.reset()}>
            Done
          </button>
        </div>
      ) : (
        <form onSubmit={submit} className="mt-4 flex max-w-lg gap-2">
          <label htmlFor="token-label" className="sr-only">
            Token label
          </label>
          <input
            id="token-label"
            className="input"
            placeholder="What is it for? (e.g. “CI”, “my laptop”)"
            maxLength={80}
            value={label}
            onChange={(e) => setLabel(e.target.value)}
          />
          <button type="submit" className="btn-primary shrink-0" disabled={!label.trim() || create.isPending}>
            <KeyRound className="h-4 w-4" aria-hidden />
            {create.isPending ? 'Creating…' : 'Create token'}
          </button>
        </form>
      )}
      {create.error && <ErrorBanner className="mt-3" error={create.error} />}
    </section>
  );
}

/** True for `ms` after `stamp` changes to a non-zero value. */
function useFlag(stamp: number, ms: number): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => {
    if (!stamp) return;
    setOn(true);
    const t = setTimeout(() => setOn(false), ms);
    return () => clearTimeout(t);
  }, [stamp, ms]);
  return on && stamp !== 0;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
