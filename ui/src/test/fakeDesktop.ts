import { vi } from 'vitest';
import type { DesktopBridge } from '../api/desktop';
import type { DeepLink, ExportedZip, KeyStatus, Published, SavedFile, ServerStatus } from '../api/desktop-types';
import type { ExportQuery, Me, Visibility } from '../api/types';

/** A signed-out server status; `over` changes any field. */
export function serverStatus(over: Partial<ServerStatus> = {}): ServerStatus {
  return { server: null, signed_in: false, account: null, problem: null, pending: false, ...over };
}

/** An in-memory desktop bridge: records calls, lets tests fail a command and push navigations and
 * server status events. */
export class FakeDesktop implements DesktopBridge {
  info = { media_base: 'pixel://localhost', version: '0.1.0', data_dir: '/home/ada/.local/share/pixel-studio' };
  keys: KeyStatus[] = [
    { provider: 'openai', name: 'OpenAI', stored: false },
    { provider: 'stability', name: 'Stability AI', stored: true },
  ];
  /** The error the next call of that method rejects with. */
  failures: Partial<Record<keyof DesktopBridge, unknown>> = {};
  pending: DeepLink | null = null;
  saved: SavedFile | null = { path: '/home/ada/Pictures/pixel-img_1.png' };
  routes = new Set<(route: string) => void>();

  private fail(method: keyof DesktopBridge) {
    const err = this.failures[method];
    if (err !== undefined) {
      delete this.failures[method];
      throw err;
    }
  }

  listKeys = vi.fn(async () => {
    this.fail('listKeys');
    return this.keys.map((k) => ({ ...k }));
  });
  setKey = vi.fn(async (provider: string, _key: string) => {
    this.fail('setKey');
    this.keys = this.keys.map((k) => (k.provider === provider ? { ...k, stored: true } : k));
  });
  deleteKey = vi.fn(async (provider: string) => {
    this.fail('deleteKey');
    this.keys = this.keys.map((k) => (k.provider === provider ? { ...k, stored: false } : k));
  });
  saveImage = vi.fn(async (_imageId: string) => {
    this.fail('saveImage');
    return this.saved;
  });
  exported: ExportedZip | null = { path: '/home/ada/Pictures/pixel-studio-export.zip', images: 2 };
  exportImages = vi.fn(async (_query: ExportQuery, onProgress: (images: number) => void) => {
    this.fail('exportImages');
    if (this.exported) for (let i = 1; i <= this.exported.images; i++) onProgress(i);
    return this.exported;
  });
  revealPath = vi.fn(async (_path: string) => {
    this.fail('revealPath');
  });
  onNavigate(listener: (route: string) => void): () => void {
    this.routes.add(listener);
    return () => this.routes.delete(listener);
  }
  private taken: Promise<DeepLink | null> | null = null;
  takePendingDeepLink = vi.fn(() => (this.taken ??= Promise.resolve(this.pending)));
  navigate(route: string) {
    for (const l of this.routes) l(route);
  }

  /** What `serverStatus` answers; `serverSignIn` marks it pending, `serverSignOut` signs out. */
  server: ServerStatus = serverStatus();
  /** What `publish` answers. */
  published: Published = { server_image_id: 'simg_1', url: 'https://pixel.example.com/p/simg_1' };
  statusListeners = new Set<(status: ServerStatus) => void>();

  serverStatus = vi.fn(async () => {
    this.fail('serverStatus');
    return { ...this.server };
  });
  serverSignIn = vi.fn(async (_server: string) => {
    this.fail('serverSignIn');
    this.server = { ...this.server, pending: true, problem: null };
  });
  serverSignOut = vi.fn(async () => {
    this.fail('serverSignOut');
    this.server = { ...this.server, signed_in: false, account: null, problem: null, pending: false };
    return { ...this.server };
  });
  publish = vi.fn(async (_imageId: string, _visibility: Visibility | null) => {
    this.fail('publish');
    return { ...this.published };
  });
  onServerStatus(listener: (status: ServerStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }
  /** The shell reports a change of the server account (a sign-in finished in the browser...). */
  emitServerStatus(status: ServerStatus) {
    this.server = status;
    for (const l of this.statusListeners) l({ ...status });
  }
  /** Signed in to `server` as `account`. */
  signIn(account: Me, server = 'https://pixel.example.com') {
    this.server = serverStatus({ server, signed_in: true, account });
  }
}
