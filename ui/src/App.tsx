import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ClientProvider } from './api/context';
import type { ApiClient } from './api/client';
import { ApiError } from './api/client';
import { Layout } from './components/Layout';
import { CreatePage } from './pages/CreatePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PageSpinner } from './components/ui';
import { usePrefetchLibrary } from './api/hooks';

// The create page is in the main chunk; the other pages load on first visit.
const SetPage = lazy(() => import('./pages/SetPage').then((m) => ({ default: m.SetPage })));
const LibraryPage = lazy(() => import('./pages/LibraryPage').then((m) => ({ default: m.LibraryPage })));
const ImagePage = lazy(() => import('./pages/ImagePage').then((m) => ({ default: m.ImagePage })));
const ComparePage = lazy(() => import('./pages/ComparePage').then((m) => ({ default: m.ComparePage })));
const ComparisonPage = lazy(() => import('./pages/ComparisonPage').then((m) => ({ default: m.ComparisonPage })));
const SettingsPage = lazy(() => import('./pages/SettingsPage').then((m) => ({ default: m.SettingsPage })));

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<PageSpinner />}>{children}</Suspense>;
}

/** The Library route: its first page of images loads alongside the page's code, not after it. */
function Library() {
  usePrefetchLibrary();
  return (
    <Page>
      <LibraryPage />
    </Page>
  );
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // Client errors (4xx) will not get better by retrying.
        retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      },
    },
  });
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<CreatePage />} />
        <Route path="compare" element={<Page><ComparePage /></Page>} />
        <Route path="compare/:id" element={<Page><ComparisonPage /></Page>} />
        <Route path="sets/:id" element={<Page><SetPage /></Page>} />
        <Route path="library" element={<Library />} />
        <Route path="images/:id" element={<Page><ImagePage /></Page>} />
        <Route path="settings" element={<Page><SettingsPage /></Page>} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export function App({ client, queryClient }: { client: ApiClient; queryClient: QueryClient }) {
  return (
    <ClientProvider client={client}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </QueryClientProvider>
    </ClientProvider>
  );
}
