import type { ImagesQuery } from './types';

/** TanStack Query keys, in one place so event handling and hooks agree. */
export const keys = {
  catalogue: ['catalogue'] as const,
  providers: ['providers'] as const,
  providersHealth: ['providers', 'health'] as const,
  account: ['account'] as const,
  /** `/api/me`: who is signed in (null when nobody). */
  me: ['me'] as const,
  sessions: ['sessions'] as const,
  jobs: ['jobs'] as const,
  set: (id: string) => ['set', id] as const,
  comparison: (id: string) => ['comparison', id] as const,
  comparisonsAll: ['comparison'] as const,
  image: (id: string) => ['image', id] as const,
  imagesAll: ['images'] as const,
  images: (filters: Omit<ImagesQuery, 'before' | 'limit'>) => ['images', filters] as const,
  ledger: ['ledger'] as const,
  /** The caller's images and the space their originals take (`storage.usage`). */
  storageUsage: ['storage', 'usage'] as const,
  /** Desktop only: which provider keys are in the OS keychain. */
  desktopKeys: ['desktop', 'keys'] as const,
  /** Desktop only: the team server the app is signed in to (`server_status`). */
  desktopServer: ['desktop', 'server'] as const,
};

/** How many recent jobs the queue shows. */
export const RECENT_JOBS = 60;
