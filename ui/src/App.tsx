import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ClientProvider } from './api/context';
import type { ApiClient } from './api/client';
import { ApiError } from './api/client';
import { Layout } from './components/Layout';
import { DesktopNavigation } from './components/DesktopNavigation';
import { CreatePage } from './pages/CreatePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PageSpinner } from './components/ui';
import { usePrefetchLibrary } from './api/hooks';
import { keys } from './api/keys';
import { RequireAccount } from './components/SignIn';
import { CommunityScope } from './components/CommunityScope';
import { CommunityContext, type Community } from './api/community';

// The create page is in the main chunk; the other pages load on first visit.
const BlogPage = lazy(() => import('./pages/BlogPage').then((m) => ({ default: m.BlogPage })));
const PostPage = lazy(() => import('./pages/PostPage').then((m) => ({ default: m.PostPage })));
const SetPage = lazy(() => import('./pages/SetPage').then((m) => ({ default: m.SetPage })));
const LibraryPage = lazy(() => import('./pages/LibraryPage').then((m) => ({ default: m.LibraryPage })));
const ImagePage = lazy(() => import('./pages/ImagePage').then((m) => ({ default: m.ImagePage })));
const ComparePage = lazy(() => import('./pages/ComparePage').then((m) => ({ default: m.ComparePage })));
const ComparisonPage = lazy(() => import('./pages/ComparisonPage').then((m) => ({ default: m.ComparisonPage })));
const SettingsPage = lazy(() => import('./pages/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const ExplorePage = lazy(() => import('./pages/ExplorePage').then((m) => ({ default: m.ExplorePage })));
const ProfilePage = lazy(() => import('./pages/ProfilePage').then((m) => ({ default: m.ProfilePage })));
const NotificationsPage = lazy(() => import('./pages/NotificationsPage').then((m) => ({ default: m.NotificationsPage })));
const MessagesPage = lazy(() => import('./pages/MessagesPage').then((m) => ({ default: m.MessagesPage })));
const CreditsPage = lazy(() => import('./pages/CreditsPage').then((m) => ({ default: m.CreditsPage })));
const AchievementsPage = lazy(() => import('./pages/AchievementsPage').then((m) => ({ default: m.AchievementsPage })));
const AnalyticsPage = lazy(() => import('./pages/AnalyticsPage').then((m) => ({ default: m.AnalyticsPage })));
const MarketPage = lazy(() => import('./pages/MarketPage').then((m) => ({ default: m.MarketPage })));
const CollectionsPage = lazy(() => import('./pages/CollectionsPage').then((m) => ({ default: m.CollectionsPage })));
const CollectionPage = lazy(() => import('./pages/CollectionPage').then((m) => ({ default: m.CollectionPage })));
const PrintsPage = lazy(() => import('./pages/PrintsPage').then((m) => ({ default: m.PrintsPage })));
const MarketCollectionsPage = lazy(() => import('./pages/MarketCollectionsPage').then((m) => ({ default: m.MarketCollectionsPage })));
const EarningsPage = lazy(() => import('./pages/EarningsPage').then((m) => ({ default: m.EarningsPage })));
const ListingPage = lazy(() => import('./pages/ListingPage').then((m) => ({ default: m.ListingPage })));
const SellPromptPage = lazy(() => import('./pages/SellPromptPage').then((m) => ({ default: m.SellPromptPage })));
const AccountPage = lazy(() => import('./pages/AccountPage').then((m) => ({ default: m.AccountPage })));
const AdminPage = lazy(() => import('./pages/AdminPage').then((m) => ({ default: m.AdminPage })));

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<PageSpinner />}>{children}</Suspense>;
}

/** A page that is all about the signed-in account's own things: a sign-in card when nobody is signed in.
 * (An image page is not one: public images are open to everyone.) */
function Private({ children }: { children: ReactNode }) {
  return (
    <RequireAccount>
      <Page>{children}</Page>
    </RequireAccount>
  );
}

/** The Library route: its first page of images loads alongside the page's code, not after it. */
function LibraryRoute() {
  usePrefetchLibrary();
  return (
    <Page>
      <LibraryPage />
    </Page>
  );
}

function Library() {
  return (
    <RequireAccount>
      <LibraryRoute />
    </RequireAccount>
  );
}

export function makeQueryClient(): QueryClient {
  // A call refused as unauthenticated while we think someone is signed in means the session ended elsewhere
  // (signed out in another tab, revoked from another device): ask /api/me again so the header and the
  // sign-in cards catch up.
  const onError = (err: unknown) => {
    if (err instanceof ApiError && err.code === 'unauthenticated' && qc.getQueryData(keys.me)) {
      void qc.invalidateQueries({ queryKey: keys.me });
    }
  };
  const qc: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: shouldRetry,
        retryDelay,
      },
    },
  });
  return qc;
}

/** Client errors (4xx) will not get better by retrying, except a rate limit, which passes once its wait
 * does: the page waits with a spinner instead of showing an error the person can only retry by hand. */
export function shouldRetry(count: number, err: unknown): boolean {
  if (err instanceof ApiError && err.code === 'rate_limited') return count < 3 && (err.retryAfterMs ?? 0) <= MAX_RATE_WAIT_MS;
  return !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2;
}

const MAX_RATE_WAIT_MS = 60_000;

/** The server's `Retry-After` when it gave one, else TanStack's own backoff. */
export function retryDelay(count: number, err: unknown): number {
  if (err instanceof ApiError && err.retryAfterMs !== undefined) return err.retryAfterMs;
  return Math.min(1000 * 2 ** count, 30_000);
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<RequireAccount><CreatePage /></RequireAccount>} />
        <Route path="compare" element={<Private><ComparePage /></Private>} />
        <Route path="compare/:id" element={<Private><ComparisonPage /></Private>} />
        {/* A set made public is open to everyone; any other is the owner's (the same 404 as a missing one). */}
        <Route path="sets/:id" element={<Page><SetPage /></Page>} />
        <Route path="library" element={<Library />} />
        <Route path="images/:id" element={<Page><ImagePage /></Page>} />
        {/* The server's pages. A share link: the server adds the link-preview tags; the page is the image's
            own. On the desktop they are the team server's, and `/p/<id>` is how its images open. */}
        <Route path="p/:id" element={<CommunityScope><Page><ImagePage /></Page></CommunityScope>} />
        <Route path="explore" element={<CommunityScope><Page><ExplorePage /></Page></CommunityScope>} />
        <Route path="u/:username" element={<CommunityScope><Page><ProfilePage /></Page></CommunityScope>} />
        <Route path="notifications" element={<CommunityScope><Private><NotificationsPage /></Private></CommunityScope>} />
        <Route path="messages" element={<CommunityScope><Private><MessagesPage /></Private></CommunityScope>} />
        <Route path="messages/:id" element={<CommunityScope><Private><MessagesPage /></Private></CommunityScope>} />
        <Route path="settings" element={<Page><SettingsPage /></Page>} />
        <Route path="settings/account" element={<Private><AccountPage /></Private>} />
        <Route path="credits" element={<Private><CreditsPage /></Private>} />
        <Route path="achievements" element={<Private><AchievementsPage /></Private>} />
        <Route path="analytics" element={<Private><AnalyticsPage /></Private>} />
        <Route path="earnings" element={<Private><EarningsPage /></Private>} />
        <Route path="prints" element={<Private><PrintsPage /></Private>} />
        <Route path="admin" element={<Private><AdminPage /></Private>} />
        <Route path="collections" element={<Private><CollectionsPage /></Private>} />
        <Route path="collections/:id" element={<Page><CollectionPage /></Page>} />
        <Route path="blog" element={<CommunityScope><Page><BlogPage /></Page></CommunityScope>} />
        <Route path="blog/:slug" element={<CommunityScope><Page><PostPage /></Page></CommunityScope>} />
        <Route path="whats-new" element={<CommunityScope><Page><BlogPage whatsNew /></Page></CommunityScope>} />
        <Route path="market" element={<CommunityScope><Page><MarketPage /></Page></CommunityScope>} />
        <Route path="market/collections" element={<CommunityScope><Page><MarketCollectionsPage /></Page></CommunityScope>} />
        <Route path="market/new" element={<CommunityScope><Private><SellPromptPage /></Private></CommunityScope>} />
        <Route path="market/:id" element={<CommunityScope><Page><ListingPage /></Page></CommunityScope>} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export function App({
  client,
  queryClient,
  community = null,
}: {
  client: ApiClient;
  queryClient: QueryClient;
  /** The desktop's team server; none on the web, where `client` is the server. */
  community?: Community | null;
}) {
  return (
    <ClientProvider client={client}>
      <QueryClientProvider client={queryClient}>
        <CommunityContext.Provider value={community}>
          <BrowserRouter>
            <DesktopNavigation />
            <AppRoutes />
          </BrowserRouter>
        </CommunityContext.Provider>
      </QueryClientProvider>
    </ClientProvider>
  );
}
