// Hooks over `client.desktop` (provider keys in the OS keychain, native save, the team server). Kept apart from hooks.ts so
// they load with the Settings and Image pages, not in the main chunk every web user downloads.

import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { ApiError } from './client';
import { useClient } from './context';
import type { DesktopBridge, KeyStatus, ServerStatus } from './desktop';
import { keys } from './keys';
import type { ExportQuery, Visibility } from './types';

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

/** Exports images as a zip through the native save dialog; `progress` counts the images written so far. */
export function useExportImages() {
  const desktop = useDesktop();
  const [progress, setProgress] = useState(0);
  const mutation = useMutation({
    mutationFn: (query: ExportQuery) => {
      setProgress(0);
      return need(desktop).exportImages(query, setProgress);
    },
  });
  return { ...mutation, progress };
}

export function useRevealPath() {
  const desktop = useDesktop();
  return useMutation({ mutationFn: (path: string) => need(desktop).revealPath(path) });
}

/** The shell's word on the server account wins at once; a fresh `server_status` follows to confirm it. */
function serverChanged(qc: QueryClient, status?: ServerStatus) {
  if (status) qc.setQueryData(keys.desktopServer, status);
  void qc.invalidateQueries({ queryKey: keys.desktopServer });
}

/** The team server account (desktop only), kept current by the shell's `server-status` events (a sign-in
 * finishing in the browser, the server signing the app out). */
export function useServerStatus() {
  const desktop = useDesktop();
  const qc = useQueryClient();
  useEffect(
    () =>
      desktop?.onServerStatus((status) => {
        // The event carries the whole status, and its `problem` (why a sign-in failed) is news that a fresh
        // `server_status` may not repeat: show it now and refetch only when the status is next needed.
        qc.setQueryData(keys.desktopServer, status);
        void qc.invalidateQueries({ queryKey: keys.desktopServer, refetchType: 'none' });
      }),
    [desktop, qc],
  );
  return useQuery({
    queryKey: keys.desktopServer,
    queryFn: () => need(desktop).serverStatus(),
    enabled: !!desktop,
  });
}

/** Opens the server's sign-in page in the system browser; the result arrives as a `server-status` event. */
export function useServerSignIn() {
  const desktop = useDesktop();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (server: string) => need(desktop).serverSignIn(server),
    onSuccess: () => {
      // Waiting for the browser from now on, whatever `server_status` takes to say so.
      qc.setQueryData<ServerStatus>(keys.desktopServer, (s) => (s ? { ...s, pending: true, problem: null } : s));
      serverChanged(qc);
    },
  });
}

/** Signs out of the server, or cancels a sign-in that waits for the browser. */
export function useServerSignOut() {
  const desktop = useDesktop();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => need(desktop).serverSignOut(),
    onSuccess: (status) => serverChanged(qc, status),
    onError: () => serverChanged(qc),
  });
}

export interface PublishInput {
  imageId: string;
  visibility: Visibility | null;
}

/** Publishes a local image to the server signed in to. */
export function usePublishImage() {
  const desktop = useDesktop();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ imageId, visibility }: PublishInput) => need(desktop).publish(imageId, visibility),
    onError: (err) => {
      // Signed out on the server meanwhile: show it in the server status too.
      if (err instanceof ApiError && err.code === 'unauthenticated') serverChanged(qc);
    },
  });
}
