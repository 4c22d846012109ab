// Hooks over `client.desktop` (provider keys in the OS keychain, native save). Kept apart from hooks.ts so
// they load with the Settings and Image pages, not in the main chunk every web user downloads.

import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useClient } from './context';
import type { DesktopBridge, KeyStatus } from './desktop';
import { keys } from './keys';

/** The desktop bridge, or undefined on the web. */
export function useDesktop(): DesktopBridge | undefined {
  return useClient().desktop;
}

function need(desktop: DesktopBridge | undefined): DesktopBridge {
  if (!desktop) throw new globalThis.Error('Only available in the desktop app');
  return desktop;
}

export function useProviderKeys() {
  const desktop = useDesktop();
  return useQuery({
    queryKey: keys.desktopKeys,
    queryFn: () => need(desktop).listKeys(),
    enabled: !!desktop,
  });
}

/** After a key changes the core swaps that provider in or out: show it (and its models) at once. */
function keyChanged(qc: QueryClient, provider: string, stored: boolean) {
  qc.setQueryData<KeyStatus[]>(keys.desktopKeys, (list) =>
    list?.map((k) => (k.provider === provider ? { ...k, stored } : k)),
  );
  void qc.invalidateQueries({ queryKey: keys.desktopKeys });
  // keys.providers is a prefix of keys.providersHealth, so a stale connection check goes too.
  void qc.invalidateQueries({ queryKey: keys.providers });
  void qc.invalidateQueries({ queryKey: keys.catalogue });
}

export function useSetProviderKey(provider: string) {
  const desktop = useDesktop();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => need(desktop).setKey(provider, key),
    onSuccess: () => keyChanged(qc, provider, true),
  });
}

export function useDeleteProviderKey(provider: string) {
  const desktop = useDesktop();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => need(desktop).deleteKey(provider),
    onSuccess: () => keyChanged(qc, provider, false),
  });
}

/** Saves an original through the native save dialog; `data` is null when the user cancelled. */
export function useSaveImage() {
  const desktop = useDesktop();
  return useMutation({ mutationFn: (imageId: string) => need(desktop).saveImage(imageId) });
}

export function useRevealPath() {
  const desktop = useDesktop();
  return useMutation({ mutationFn: (path: string) => need(desktop).revealPath(path) });
}
