import { StrictMode } from 'react';
import { describe, expect, it } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { ApiClient } from '../api/client';
import { ClientProvider } from '../api/context';
import { DesktopNavigation } from './DesktopNavigation';
import { FakeTransport } from '../test/fakeTransport';
import { FakeDesktop } from '../test/fakeDesktop';

function Where() {
  return <p data-testid="where">{useLocation().pathname}</p>;
}

function renderNav(desktop?: FakeDesktop) {
  const transport = new FakeTransport([]);
  transport.desktop = desktop;
  return render(
    <StrictMode>
      <ClientProvider client={new ApiClient(transport)}>
        <MemoryRouter initialEntries={['/']}>
          <DesktopNavigation />
          <Where />
        </MemoryRouter>
      </ClientProvider>
    </StrictMode>,
  );
}

describe('DesktopNavigation', () => {
  it('opens the deep link that launched the app, even under StrictMode', async () => {
    const desktop = new FakeDesktop();
    desktop.pending = { url: 'pixelstudio://images/img_1', route: '/images/img_1' };
    renderNav(desktop);
    expect(await screen.findByText('/images/img_1')).toBeInTheDocument();
  });

  it('follows deep links and menu items while running, and lets go on unmount', async () => {
    const desktop = new FakeDesktop();
    const { unmount } = renderNav(desktop);
    await act(async () => {
      await desktop.takePendingDeepLink();
    });
    expect(screen.getByTestId('where')).toHaveTextContent('/');
    expect(desktop.routes.size).toBe(1); // StrictMode's first subscription was released
    act(() => desktop.navigate('/settings'));
    expect(screen.getByTestId('where')).toHaveTextContent('/settings');
    act(() => desktop.navigate('/sets/set_1'));
    expect(screen.getByTestId('where')).toHaveTextContent('/sets/set_1');
    unmount();
    expect(desktop.routes.size).toBe(0);
  });

  it('does nothing on the web', () => {
    renderNav();
    expect(screen.getByTestId('where')).toHaveTextContent('/');
  });
});
