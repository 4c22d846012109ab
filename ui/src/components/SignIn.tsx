import { useId, type ReactNode } from 'react';
import { useInRouterContext, useLocation } from 'react-router';
import { LogIn } from 'lucide-react';
import { useMe } from '../api/hooks';
import { cn } from '../lib/format';

/** Where sign-in starts. A full page navigation, not a fetch: the browser leaves for the identity
 * provider and the server sends it back to `returnTo` (a path on this site) with the session cookie. */
export function signInHref(returnTo: string): string {
  return `/auth/google?return_to=${encodeURIComponent(returnTo || '/')}`;
}

function useRoutedReturnTo(): string {
  const { pathname, search } = useLocation();
  return pathname + search;
}

/** "Sign in with Google" as a link (it leaves the app), coming back to the current page. */
export function SignInButton({ className, returnTo, compact }: { className?: string; returnTo: string; compact?: boolean }) {
  return (
    <a href={signInHref(returnTo)} className={cn('btn-google', className)} aria-label="Sign in with Google">
      <GoogleMark />
      {compact ? (
        <span>
          Sign in<span className="hidden sm:inline"> with Google</span>
        </span>
      ) : (
        'Sign in with Google'
      )}
    </a>
  );
}

/** The header's sign-in button; it follows the route so sign-in comes back to the page it started on. */
export function HeaderSignIn() {
  // Short on phones, where the header has little room.
  return <SignInButton className="h-8 px-3" compact returnTo={useRoutedReturnTo()} />;
}

/** A centred card standing in for a page that needs an account first: what is missing, and the way to it. */
export function GateCard({
  icon: Icon,
  title,
  children,
  action,
  wide = false,
}: {
  icon: typeof LogIn;
  title: string;
  children: ReactNode;
  action: ReactNode;
  wide?: boolean;
}) {
  const id = useId();
  return (
    <div className="flex justify-center px-4 py-16">
      <section className={cn('card w-full p-8 text-center', wide ? 'max-w-md' : 'max-w-sm')} aria-labelledby={id}>
        <div className="mx-auto mb-4 flex h-12 w-12 items-center justify-center rounded-2xl bg-accent/10 text-accent">
          <Icon className="h-5 w-5" aria-hidden />
        </div>
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        <div className="mt-1.5 text-sm text-fg-muted">{children}</div>
        {action}
      </section>
    </div>
  );
}

function SignInCardView({ returnTo, title, children }: { returnTo: string; title?: string; children?: ReactNode }) {
  return (
    <GateCard
      icon={LogIn}
      title={title ?? 'Sign in to continue'}
      action={<SignInButton className="mt-6 w-full" returnTo={returnTo} />}
    >
      {children ?? 'Your images, sets and credits are kept with your account.'}
    </GateCard>
  );
}

function RoutedSignInCard(props: { title?: string; children?: ReactNode }) {
  return <SignInCardView returnTo={useRoutedReturnTo()} {...props} />;
}

/** A friendly card in place of a page (or an `unauthenticated` error) while nobody is signed in. */
export function SignInCard(props: { title?: string; children?: ReactNode }) {
  // Components shown outside a router (in isolation) still get a card, returning to the current URL.
  return useInRouterContext() ? (
    <RoutedSignInCard {...props} />
  ) : (
    <SignInCardView returnTo={window.location.pathname + window.location.search} {...props} />
  );
}

/**
 * Renders a page that needs an account, or the sign-in card when the server has sign-in and nobody is
 * signed in. While /api/me loads the page renders at once: in single-owner mode (the desktop, a local
 * server) someone always is, and a spinner would only delay the first paint.
 */
export function RequireAccount({ children }: { children: ReactNode }) {
  const me = useMe();
  if (me.data === null) return <SignInCard />;
  return <>{children}</>;
}

/** Google's "G", in its colours, as sign-in buttons conventionally show it. */
function GoogleMark() {
  return (
    <span className="flex h-5 w-5 items-center justify-center" aria-hidden>
      <svg viewBox="0 0 48 48" className="h-[18px] w-[18px]">
        <path fill="#EA4335" d="M24 9.5c3.5 0 6.6 1.2 9.1 3.6l6.8-6.8C35.8 2.4 30.3 0 24 0 14.6 0 6.6 5.4 2.7 13.3l7.9 6.1C12.5 13.6 17.8 9.5 24 9.5z" />
        <path fill="#4285F4" d="M46.5 24.5c0-1.6-.1-3.1-.4-4.5H24v9h12.6c-.5 2.9-2.2 5.4-4.7 7.1l7.6 5.9c4.4-4.1 7-10.1 7-17.5z" />
        <path fill="#FBBC05" d="M10.6 28.6c-.5-1.4-.8-3-.8-4.6s.3-3.2.8-4.6l-7.9-6.1C1 16.6 0 20.2 0 24s1 7.4 2.7 10.7l7.9-6.1z" />
        <path fill="#34A853" d="M24 48c6.5 0 11.9-2.1 15.9-5.8l-7.6-5.9c-2.1 1.4-4.9 2.3-8.3 2.3-6.2 0-11.5-4.2-13.4-9.9l-7.9 6.1C6.6 42.6 14.6 48 24 48z" />
      </svg>
    </span>
  );
}
