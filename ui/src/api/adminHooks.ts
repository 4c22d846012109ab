// Administration: accounts found and changed by admins (credits, suspension, the admin role, signing
// out), and the audit log of every such action. Every change refreshes the account and the log.

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from './context';
import { keys } from './keys';
import type { AdminActionKind, AdminUserAction, CreditAdjustment, ProviderAlertInput, ResolveReport, SetAdmin, UpdateModel, WarnUser } from './types';

export const adminKeys = {
  all: ['admin'] as const,
  users: (query: string) => ['admin', 'users', query] as const,
  user: (id: string) => ['admin', 'user', id] as const,
  audit: (kind: AdminActionKind | '') => ['admin', 'audit', kind] as const,
  reports: ['admin', 'reports'] as const,
  models: ['admin', 'models'] as const,
  deletions: (query: string) => ['admin', 'deletions', query] as const,
  overview: (days: number) => ['admin', 'overview', days] as const,
  refusals: ['admin', 'refusals'] as const,
};

export function useAdminUsers(query: string) {
  const client = useClient();
  return useQuery({
    queryKey: adminKeys.users(query),
    queryFn: () => client.call('admin.users.search', { query, limit: 50 }),
    placeholderData: (previous) => previous,
  });
}

export function useAdminUser(userId: string | null) {
  const client = useClient();
  return useQuery({
    queryKey: adminKeys.user(userId ?? ''),
    queryFn: () => client.call('admin.users.get', { user_id: userId ?? '' }),
    enabled: userId !== null,
  });
}

export function useAuditLog(kind: AdminActionKind | '') {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: adminKeys.audit(kind),
    queryFn: ({ pageParam }) =>
      client.call('admin.audit.list', { ...(kind ? { kind } : {}), ...(pageParam ? { before: pageParam } : {}), limit: 50 }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next ?? undefined,
  });
}

/** Every admin change: refreshes what admins look at once it is done. */
function useAdminChange<T, R>(run: (input: T) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.all }),
  });
}

/** Adjusts credits; the caller makes one key per adjustment, so a retried click adjusts once. */
export function useAdjustCredits() {
  const client = useClient();
  return useAdminChange((input: CreditAdjustment) => client.call('admin.credits.adjust', input));
}

export type AccountAction = 'suspend' | 'restore' | 'sign_out';

export function useAccountAction() {
  const client = useClient();
  return useAdminChange(({ action, ...input }: AdminUserAction & { action: AccountAction }) =>
    client.call(`admin.users.${action}`, input),
  );
}

/** Warns an account in the admin's words; it is told at once. */
export function useWarnUser() {
  const client = useClient();
  return useAdminChange((input: WarnUser) => client.call('admin.users.warn', input));
}

/** Sets (or with no `low_credits` turns off) a provider's low-balance warning, then checks again. */
export function useProviderAlert() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ProviderAlertInput) => client.call('admin.providers.alert', input),
    // The overview's figures do not change with a threshold: only the audit log and the check do.
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['admin', 'audit'] });
      void qc.invalidateQueries({ queryKey: keys.providersHealth });
    },
  });
}

export function useSetAdmin() {
  const client = useClient();
  return useAdminChange((input: SetAdmin) => client.call('admin.users.set_admin', input));
}

/** The open reports, oldest first (the queue's order). */
export function useReportQueue() {
  const client = useClient();
  return useQuery({ queryKey: adminKeys.reports, queryFn: () => client.call('reports.list', { limit: 50 }) });
}

/** A reported image as admins see it (they may read private ones). */
export function useReportedImage(imageId: string | null) {
  const client = useClient();
  return useQuery({
    queryKey: ['admin', 'image', imageId ?? ''] as const,
    queryFn: () => client.call('images.get', { image_id: imageId ?? '' }),
    enabled: imageId !== null,
    retry: false,
  });
}

export function useResolveReport() {
  const client = useClient();
  return useAdminChange((input: ResolveReport) => client.call('admin.reports.resolve', input));
}

export function useDeletions(query: string) {
  const client = useClient();
  return useQuery({
    queryKey: adminKeys.deletions(query),
    queryFn: () => client.call('admin.deletions.list', query ? { query, limit: 50 } : { limit: 50 }),
    placeholderData: (previous) => previous,
  });
}

/** Every catalogue model with its settings, those turned off included. */
export function useAdminModels() {
  const client = useClient();
  return useQuery({ queryKey: adminKeys.models, queryFn: () => client.call('admin.models.list', {}) });
}

/** Changes one model; `catalogue.changed` then tells every open window, this one included. */
export function useUpdateModel() {
  const client = useClient();
  return useAdminChange((input: UpdateModel) => client.call('admin.models.update', input));
}

/** The server's figures over the last `days`; kept while another window loads. */
export function useAdminOverview(days: number) {
  const client = useClient();
  return useQuery({
    queryKey: adminKeys.overview(days),
    queryFn: () => client.call('admin.overview', { days }),
    placeholderData: (previous) => previous,
  });
}

/** Generations the providers' moderation refused, newest first, a page at a time. */
export function useRefusals() {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: adminKeys.refusals,
    queryFn: ({ pageParam }) => client.call('admin.refusals.list', { ...(pageParam ? { before: pageParam } : {}), limit: 50 }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next ?? undefined,
  });
}
