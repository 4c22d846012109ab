import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useAccount, useCatalogue, useCreateGeneration, useImage, useProviders } from '../api/hooks';
import { CreateForm } from '../components/CreateForm';
import { QueuePanel } from '../components/QueuePanel';
import { ImportPng } from '../components/ImportPng';
import { animateModel, remixTarget, stateFromParams, stateToAnimate, type FormState } from '../components/createState';
import { ErrorState, Skeleton } from '../components/ui';
import { useTitle } from '../lib/title';

export function CreatePage() {
  useTitle('Create');
  const catalogue = useCatalogue();
  const providers = useProviders();
  const account = useAccount();
  const create = useCreateGeneration();
  const [params, setParams] = useSearchParams();
  const remixId = params.get('remix') ?? undefined;
  const remix = useImage(remixId);
  const animateId = params.get('animate') ?? undefined;
  const toAnimate = useImage(animateId);

  // Settings imported from a PNG take the place of the remix; `n` remounts the form for every import.
  const [imported, setImported] = useState<{ state: FormState; advanced: boolean; n: number } | null>(null);

  const remixPlan = useMemo(() => {
    if (!remix.data || !catalogue.data) return undefined;
    const rec = remix.data.record;
    const target = remixTarget(catalogue.data, rec.model);
    if (!target) return undefined;
    return { state: stateFromParams(target.model, rec.params, rec.seed, remix.data.id), retired: target.retired };
  }, [remix.data, catalogue.data]);
  const remixInitial = remixPlan?.state;
  const animateInitial = useMemo(() => {
    if (!toAnimate.data || !catalogue.data) return undefined;
    const model = animateModel(catalogue.data);
    return model && stateToAnimate(model, toAnimate.data.id, toAnimate.data.record.params.prompt);
  }, [toAnimate.data, catalogue.data]);

  const initial = imported?.state ?? remixInitial ?? animateInitial;
  const formKey = imported
    ? `import-${imported.n}`
    : remixInitial
      ? `remix-${remixId}`
      : animateInitial
        ? `animate-${animateId}`
        : 'new';
  const waitingForRemix =
    !imported && ((!!remixId && remix.isPending) || (!!animateId && toAnimate.isPending));

  return (
    <div className="mx-auto grid max-w-[1600px] gap-6 px-4 py-6 sm:px-6 lg:grid-cols-[minmax(360px,440px)_1fr]">
      <div className="lg:sticky lg:top-[4.5rem] lg:flex lg:max-h-[calc(100vh-5.5rem)] lg:flex-col lg:self-start">
        <div className="mb-3 flex h-7 items-center justify-between gap-3">
          <h1 className="text-sm font-semibold">Create</h1>
          {catalogue.data && catalogue.data.models.length > 0 && (
            <ImportPng
              catalogue={catalogue.data}
              onUse={(state, advanced) => {
                setImported((prev) => ({ state, advanced, n: (prev?.n ?? 0) + 1 }));
                if (remixId) setParams({}, { replace: true });
              }}
            />
          )}
        </div>
        {catalogue.isPending || waitingForRemix ? (
          <Skeleton className="h-[480px] rounded-2xl" />
        ) : catalogue.isError ? (
          <div className="card">
            <ErrorState error={catalogue.error} onRetry={() => void catalogue.refetch()} />
          </div>
        ) : catalogue.data.models.length === 0 ? (
          <div className="card">
            <ErrorState error={new Error('No models are available. Check the server configuration.')} />
          </div>
        ) : (
          <CreateForm
            key={formKey}
            className="lg:min-h-0"
            catalogue={catalogue.data}
            providers={providers.data?.providers}
            account={account.data}
            initial={initial}
            advancedOpen={imported?.advanced}
            remixImage={!imported && remixInitial ? remix.data : undefined}
            remixNote={!imported ? remixPlan?.retired?.note : undefined}
            onClearRemix={() => setParams({}, { replace: true })}
            animateImage={!imported && animateInitial ? toAnimate.data : undefined}
            onSubmit={(req) => create.mutate(req)}
            submitting={create.isPending}
            error={create.error ?? undefined}
          />
        )}
        {!imported && remixId && remix.isError && (
          <p className="mt-2 text-xs text-amber-600 dark:text-amber-400">
            The image to remix could not be loaded; starting fresh.
          </p>
        )}
        {!imported && animateId && toAnimate.isError && (
          <p className="mt-2 text-xs text-amber-600 dark:text-amber-400">
            The image to animate could not be loaded; starting fresh.
          </p>
        )}
      </div>
      <QueuePanel />
    </div>
  );
}
