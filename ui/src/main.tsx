import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, makeQueryClient } from './App';
import { ApiClient, HttpTransport, type Transport } from './api/client';
import { Community } from './api/community';
import { applyTheme, readTheme } from './lib/theme';
import './index.css';

applyTheme(readTheme());

/** Inside the desktop app the core is in-process, reached through Tauri commands, and a team server signed in
 * to is the community; in a browser the server on this origin is both. The Tauri transports are imported only
 * here, so the web bundle never carries them. */
async function transports(): Promise<{ local: Transport; community: Community | null }> {
  if ('__TAURI_INTERNALS__' in window) {
    const [{ connectTauri }, { ServerTransport }] = await Promise.all([import('./api/tauri'), import('./api/tauriServer')]);
    // desktop_info is a local call (no I/O): awaiting it keeps the first images from loading a wrong URL.
    const local = await connectTauri();
    const server = new ApiClient(new ServerTransport(local.desktop.info));
    return { local, community: new Community(server, makeQueryClient) };
  }
  return { local: new HttpTransport(), community: null };
}

void transports().then(({ local, community }) => {
  const root = document.getElementById('root');
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <App client={new ApiClient(local)} queryClient={makeQueryClient()} community={community} />
    </StrictMode>,
  );
});
