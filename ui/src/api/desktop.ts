// What only the desktop shell can do (OS keychain, native save dialog, file manager, deep links, app menu).
// Components reach it as `client.desktop`, which is undefined on the web: they never import Tauri APIs.

import type { DeepLink, DesktopInfo, ExportedZip, KeyStatus, Published, SavedFile, ServerStatus } from './desktop-types';
import type { ExportQuery, Visibility } from './types';

export type { DeepLink, DesktopInfo, ExportedZip, KeyStatus, Published, SavedFile, ServerStatus };

export interface DesktopBridge {
  readonly info: DesktopInfo;
  /** Which providers take a key and whether one is stored. Keys themselves are never read back. */
  listKeys(): Promise<KeyStatus[]>;
  setKey(provider: string, key: string): Promise<void>;
  deleteKey(provider: string): Promise<void>;
  /** Asks where to save the original (native dialog); null when the user cancels. */
  saveImage(imageId: string): Promise<SavedFile | null>;
  /** Asks where to save a library export (native dialog) and writes the zip, calling `onProgress` with the
   * images written so far; null when the user cancels. */
  exportImages(query: ExportQuery, onProgress: (images: number) => void): Promise<ExportedZip | null>;
  /** Shows a saved file in the system file manager. */
  revealPath(path: string): Promise<void>;
  /** In-app routes to open, from deep links and the app menu. Returns the unsubscribe function. */
  onNavigate(listener: (route: string) => void): () => void;
  /** The deep link that launched the app, if any. The shell hands it out once; every call here answers the
   * same, so effects that React runs twice (StrictMode) both see it. */
  takePendingDeepLink(): Promise<DeepLink | null>;

  // A team server the desktop may sign in to. Signed out (or offline) the local library works as before.
  /** Where the server account stands (asks the server when signed in). */
  serverStatus(): Promise<ServerStatus>;
  /** Starts a sign-in: the shell opens the server's sign-in page in the system browser. The outcome comes
   * later through `onServerStatus` (with `problem` set when it failed). */
  serverSignIn(server: string): Promise<void>;
  /** Signs out (also cancels a sign-in that waits for the browser). */
  serverSignOut(): Promise<ServerStatus>;
  /** Publishes one image of the local library to the server; `null` takes the account's default. */
  publish(imageId: string, visibility: Visibility | null): Promise<Published>;
  /** Every change of the server account the shell reports. Returns the unsubscribe function. */
  onServerStatus(listener: (status: ServerStatus) => void): () => void;
}
