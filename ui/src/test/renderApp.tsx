import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient } from '../api/client';
import { ClientProvider } from '../api/context';
import { AppRoutes, makeQueryClient } from '../App';
import type { FakeTransport } from './fakeTransport';

/** The whole app (routes, header, pages) over a fake transport, opened at `path`. */
export function renderApp(transport: FakeTransport, path = '/') {
  const queryClient = makeQueryClient();
  const view = render(
    <ClientProvider client={new ApiClient(transport)}>
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[path]}>
          <AppRoutes />
        </MemoryRouter>
      </QueryClientProvider>
    </ClientProvider>,
  );
  return { ...view, queryClient, user: userEvent.setup() };
}
