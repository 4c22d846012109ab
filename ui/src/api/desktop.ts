// What only the desktop shell can do (OS keychain, native save dialog, file manager, deep links, app menu).
// Components reach it as `client.desktop`, which is undefined on the web: they never import Tauri APIs.

import type { DeepLink, DesktopInfo, KeyStatus, SavedFile } from './desktop-types';

export type { DeepLink, DesktopInfo, KeyStatus, SavedFile };

export interface DesktopBridge {
  readonly info: DesktopInfo;
  /** Which providers take a key and whether one is stored. Keys themselves are never read back. */
  listKeys(): Promise<KeyStatus[]>;
  setKey(provider: string, key: string): Promise<void>;
  deleteKey(provider: string): Promise<void>;
  /** Asks where to save the original (native dialog); null when the user cancels. */
  saveImage(imageId: string): Promise<SavedFile | null>;
  /** Shows a saved file in the system file manager. */
  revealPath(path: string): Promise<void>;
  /** In-app routes to open, from deep links and the app menu. Returns the unsubscribe function. */
  onNavigate(listener: (route: string) => void): () => void;
  /** The deep link that launched the app, if any. The shell hands it out once; every call here answers the
   * same, so effects that React runs twice (StrictMode) both see it. */
  takePendingDeepLink(): Promise<DeepLink | null>;
}
