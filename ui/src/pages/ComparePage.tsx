import { useNavigate } from 'react-router';
import { Columns3 } from 'lucide-react';
import { useAccount, useCatalogue, useCompare, useProviders } from '../api/hooks';
import { CompareForm } from '../components/CompareForm';
import { EmptyState, ErrorState, Skeleton } from '../components/ui';
import { useTitle } from '../lib/title';

export function ComparePage() {
  useTitle('Compare');
  const catalogue = useCatalogue();
  const providers = useProviders();
  const account = useAccount();
  const compare = useCompare();
  const navigate = useNavigate();

  return (
    <div className="mx-auto max-w-3xl px-4 py-6 sm:px-6">
      <header className="mb-4">
        <h1 className="flex items-center gap-2 text-sm font-semibold">
          <Columns3 className="h-4 w-4 text-fg-subtle" aria-hidden /> Compare
        </h1>
        <p className="mt-1 text-sm text-fg-muted">
          Run one prompt on 2–4 models and see the results side by side. The cost is the sum of every model's
          cost; a model that fails is refunded on its own.
        </p>
      </header>
      {catalogue.isPending ? (
        <Skeleton className="h-[520px] rounded-2xl" />
      ) : catalogue.isError ? (
        <div className="card">
          <ErrorState error={catalogue.error} onRetry={() => void catalogue.refetch()} />
        </div>
      ) : catalogue.data.models.length < 2 ? (
        <div className="card">
          <EmptyState icon={<Columns3 className="h-5 w-5" aria-hidden />} title="Nothing to compare yet">
            Comparing needs at least two models; this server offers {catalogue.data.models.length}.
          </EmptyState>
        </div>
      ) : (
        <CompareForm
          catalogue={catalogue.data}
          providers={providers.data?.providers}
          account={account.data}
          onSubmit={(req) =>
            compare.mutate(req, { onSuccess: (out) => void navigate(`/compare/${out.comparison_id}`) })
          }
          submitting={compare.isPending}
          error={compare.error ?? undefined}
        />
      )}
    </div>
  );
}
