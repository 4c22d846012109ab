import { vi } from 'vitest';
import type { DesktopBridge } from '../api/desktop';
import type { DeepLink, KeyStatus, SavedFile } from '../api/desktop-types';

/** An in-memory desktop bridge: records calls, lets tests fail a command and push navigations. */
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
}
