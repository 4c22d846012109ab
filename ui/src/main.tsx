import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, makeQueryClient } from './App';
import { ApiClient, HttpTransport, type Transport } from './api/client';
import { applyTheme, readTheme } from './lib/theme';
import './index.css';

applyTheme(readTheme());

/** Inside the desktop app the core is in-process, reached through Tauri commands; in a browser it is the
 * server on this origin. The Tauri transport is imported only here, so the web bundle never carries it. */
async function transport(): Promise<Transport> {
  if ('__TAURI_INTERNALS__' in window) {
    const { connectTauri } = await import('./api/tauri');
    // desktop_info is a local call (no I/O): awaiting it keeps the first images from loading a wrong URL.
    return connectTauri();
  }
  return new HttpTransport();
}

void transport().then((t) => {
  const root = document.getElementById('root');
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <App client={new ApiClient(t)} queryClient={makeQueryClient()} />
    </StrictMode>,
  );
});
