// The catalogue as admins run it: every model with its price and most images a request, on or off. A
// change needs a reason (kept in the audit log) and reaches every open window at once.

import { useState } from 'react';
import { useAdminModels, useUpdateModel } from '../../api/adminHooks';
import { describeError } from '../../api/errors';
import type { AdminModel } from '../../api/types';
import { cn, providerName } from '../../lib/format';
import { ErrorState, Spinner } from '../ui';
import { ReasonField, reasonReady } from './ReasonField';

export function ModelsAdmin() {
  const models = useAdminModels();
  const [reason, setReason] = useState('');
  if (models.isPending)
    return (
      <div className="flex justify-center py-16">
        <Spinner />
      </div>
    );
  if (models.isError) return <ErrorState error={models.error} onRetry={() => void models.refetch()} />;
  return (
    <section className="card p-4" aria-label="Models">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="text-sm font-semibold">Catalogue</h2>
        <ReasonField id="model-reason" label="Reason for a change" value={reason} onChange={setReason} className="ml-auto sm:w-96" />
      </div>
      <table className="mt-3 w-full text-left text-sm">
        <thead className="text-xs text-fg-muted">
          <tr>
            <th className="py-1.5 font-medium">Model</th>
            <th className="py-1.5 font-medium">Provider</th>
            <th className="py-1.5 font-medium">Credits an image</th>
            <th className="py-1.5 font-medium">Most a request</th>
            <th className="py-1.5 font-medium">On</th>
            <th className="py-1.5" />
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {models.data.models.map((m) => (
            <ModelRow key={`${m.id}:${m.enabled}:${m.credits}:${m.max_images}`} model={m} reason={reason.trim()} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ModelRow({ model, reason }: { model: AdminModel; reason: string }) {
  const update = useUpdateModel();
  const [enabled, setEnabled] = useState(model.enabled);
  const [credits, setCredits] = useState(String(model.credits));
  const [max, setMax] = useState(String(model.max_images));
  const changed = enabled !== model.enabled || Number(credits) !== model.credits || Number(max) !== model.max_images;
  const valid = /^\d+$/.test(credits) && /^\d+$/.test(max) && Number(max) >= 1;
  const save = () =>
    update.mutate({ model_id: model.id, enabled, credits: Number(credits), max_images: Number(max), reason });
  return (
    <tr aria-label={model.name} className={enabled ? '' : 'text-fg-muted'}>
      <td className="py-2 pr-3">
        <span className="font-medium">{model.name}</span>
        <span className="block text-xs text-fg-subtle">{model.id}</span>
      </td>
      <td className="py-2 pr-3">{model.offline ? 'Offline' : providerName(model.provider)}</td>
      <td className="py-2 pr-3">
        <input
          className="input h-8 w-20 tabular-nums"
          aria-label={`Credits an image for ${model.name}`}
          inputMode="numeric"
          value={credits}
          onChange={(e) => setCredits(e.target.value.replace(/\D/g, ''))}
        />
        {model.credits !== model.default_credits && <span className="ml-1 text-[11px] text-fg-subtle">was {model.default_credits}</span>}
      </td>
      <td className="py-2 pr-3">
        <input
          className="input h-8 w-16 tabular-nums"
          aria-label={`Most images a request for ${model.name}`}
          inputMode="numeric"
          value={max}
          onChange={(e) => setMax(e.target.value.replace(/\D/g, ''))}
        />
        <span className="ml-1 text-[11px] text-fg-subtle">of {model.default_max_images}</span>
      </td>
      <td className="py-2 pr-3">
        <button
          type="button"
          role="switch"
          aria-checked={enabled}
          aria-label={`${model.name} on`}
          className={cn('relative h-5 w-9 rounded-full transition-colors', enabled ? 'bg-accent' : 'bg-surface-3 ring-1 ring-line')}
          onClick={() => setEnabled(!enabled)}
        >
          <span className={cn('absolute top-0.5 h-4 w-4 rounded-full bg-white shadow transition-all', enabled ? 'left-[18px]' : 'left-0.5')} />
        </button>
      </td>
      <td className="py-2 text-right">
        {changed && (
          <button type="button" className="btn-primary h-8" disabled={!valid || !reasonReady(reason) || update.isPending} title={reasonReady(reason) ? undefined : 'Give a reason first'} onClick={save}>
            {update.isPending ? 'Saving…' : 'Save'}
          </button>
        )}
        {update.error && (
          <span className="block text-xs text-rose-500" role="alert">
            {describeError(update.error).detail}
          </span>
        )}
      </td>
    </tr>
  );
}
