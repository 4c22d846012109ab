import { useId, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Columns3, Dices, Minus, Plus } from 'lucide-react';
import type { AccountOutput, CatalogueOutput, CompareRequest, Model, ProviderStatus } from '../api/types';
import { ModelMeta } from './ModelPicker';
import { ErrorBanner, Spinner } from './ui';
import { PromptBox } from './PromptBox';
import { cn, formatCredits, providerName } from '../lib/format';
import { MAX_NEGATIVE_CHARS, randomSeed } from './createState';
import {
  chosenModels,
  compareCost,
  compareProblems,
  compareRequestFrom,
  emptyCompare,
  listWords,
  MAX_MODELS,
  maxPerModel,
  modelUsable,
  toggleModel,
  type CompareState,
} from './compareState';

export type CompareFormProps = {
  catalogue: CatalogueOutput;
  providers?: ProviderStatus[];
  account?: AccountOutput;
  initial?: CompareState;
  onSubmit: (req: CompareRequest) => void;
  submitting?: boolean;
  error?: unknown;
  className?: string;
};


export function CompareForm({
  catalogue,
  providers,
  account,
  initial,
  onSubmit,
  submitting = false,
  error,
  className,
}: CompareFormProps) {
  const ids = useId();
  const [state, setState] = useState<CompareState>(initial ?? emptyCompare);
  const set = <K extends keyof CompareState>(key: K, value: CompareState[K]) => setState((s) => ({ ...s, [key]: value }));

  const chosen = useMemo(() => chosenModels(state, catalogue.models), [state, catalogue.models]);
  const problems = useMemo(() => compareProblems(state, chosen), [state, chosen]);
  const cost = compareCost(chosen, state.n);
  const charging = account?.charging ?? false;
  const short = charging && account !== undefined && cost > account.balance;
  const canSubmit = problems.length === 0 && !submitting && !short;
  const maxN = maxPerModel(chosen);
  const seedModels = chosen.filter((m) => m.seed).map((m) => m.name);
  const negModels = chosen.filter((m) => m.negative_prompt).map((m) => m.name);
  // The reason the button is disabled, in words (an empty prompt is obvious and not nagged about).
  const reason = problems.find((p) => p !== 'Write a prompt') ?? (problems.length > 0 ? problems[0] : null);

  const usableModels = catalogue.models.filter((m) => modelUsable(m, providers));
  const lockedModels = catalogue.models.filter((m) => !modelUsable(m, providers));
  const card = (m: Model) => {
    const usable = modelUsable(m, providers);
    const order = state.models.indexOf(m.id);
    const checked = order !== -1;
    const hintId = `${ids}-hint-${m.id}`;
    return (
      <li key={m.id}>
        <label
          className={cn(
            'relative flex h-full items-start gap-3 rounded-xl border px-3 py-2.5 transition-colors',
            'has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-accent',
            checked ? 'border-accent/60 bg-accent/10' : 'border-line bg-surface-2',
            usable ? 'cursor-pointer hover:border-accent/40' : 'cursor-not-allowed opacity-60',
          )}
        >
          <input
            type="checkbox"
            className="sr-only"
            checked={checked}
            disabled={!usable}
            onChange={() => setState((s) => toggleModel(s, m.id))}
            aria-describedby={usable ? undefined : hintId}
          />
          <span
            className={cn(
              'mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded-md border text-[11px] font-semibold tabular-nums',
              checked ? 'border-accent bg-accent text-accent-fg' : 'border-line bg-surface-1',
            )}
            aria-hidden
          >
            {checked ? order + 1 : null}
          </span>
          <span className="min-w-0 flex-1">
            <span className="block text-sm font-medium">{m.name}</span>
            <ModelMeta model={m} configured={modelUsable(m, providers)} />
            {!usable && (
              <span id={hintId} className="mt-1 block text-xs text-fg-muted">
                Add an API key for {providerName(m.provider)} in Settings to use this model.
              </span>
            )}
          </span>
        </label>
      </li>
    );
  };

  const submit = () => {
    if (!canSubmit) return;
    onSubmit(compareRequestFrom(state));
  };
  const onFormSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form onSubmit={onFormSubmit} onKeyDown={onKeyDown} className={cn('card flex flex-col', className)} aria-label="Compare models">
      <PromptBox
        id={ids}
        value={state.prompt}
        onChange={(v) => set('prompt', v)}
        placeholder="Describe the image; every chosen model gets the same prompt…"
        rows={3}
        action="compare"
      />

      <div className="space-y-4 border-t border-line p-4">
        <fieldset>
          <legend className="label flex w-full justify-between">
            <span>Models (2–{MAX_MODELS})</span>
            <span className="tabular-nums" aria-live="polite">
              {state.models.length} chosen
            </span>
          </legend>
          <ul className="grid gap-2 sm:grid-cols-2">{usableModels.map(card)}</ul>
          {state.models.length > 1 && (
            <p className="mt-1.5 text-xs text-fg-subtle">The columns follow the order you chose the models in.</p>
          )}
          {lockedModels.length > 0 && (
            <details className="group mt-3">
              <summary className="cursor-pointer rounded-md text-xs font-medium text-fg-muted hover:text-fg">
                {lockedModels.length} more {lockedModels.length === 1 ? 'model needs' : 'models need'} an API key
              </summary>
              <ul className="mt-2 grid gap-2 sm:grid-cols-2">{lockedModels.map(card)}</ul>
            </details>
          )}
        </fieldset>

        <div className="grid gap-3 sm:grid-cols-[10rem_1fr]">
          <div>
            <label htmlFor={`${ids}-n`} className="label">
              Images per model
            </label>
            <div className="flex h-9 items-center rounded-lg border border-line bg-surface-2">
              <button
                type="button"
                className="icon-btn h-9 w-9 rounded-r-none"
                onClick={() => set('n', Math.max(1, state.n - 1))}
                disabled={state.n <= 1}
                aria-label="Fewer images"
              >
                <Minus className="h-3.5 w-3.5" aria-hidden />
              </button>
              <input
                id={`${ids}-n`}
                type="number"
                min={1}
                max={maxN}
                value={Number.isNaN(state.n) ? '' : state.n}
                onChange={(e) => set('n', e.target.valueAsNumber)}
                className="h-full w-full min-w-0 bg-transparent text-center text-sm tabular-nums focus:outline-none [appearance:textfield] [&::-webkit-inner-spin-button]:appearance-none"
              />
              <button
                type="button"
                className="icon-btn h-9 w-9 rounded-l-none"
                onClick={() => set('n', Math.min(maxN, state.n + 1))}
                disabled={state.n >= maxN}
                aria-label="More images"
              >
                <Plus className="h-3.5 w-3.5" aria-hidden />
              </button>
            </div>
          </div>
          <div>
            <label htmlFor={`${ids}-seed`} className="label">
              Seed (optional)
            </label>
            <div className="flex gap-2">
              <input
                id={`${ids}-seed`}
                inputMode="numeric"
                className="input tabular-nums"
                placeholder="Random"
                value={state.seed}
                onChange={(e) => set('seed', e.target.value.replace(/[^0-9]/g, ''))}
                aria-describedby={`${ids}-seed-hint`}
              />
              <button
                type="button"
                className="btn-secondary w-9 shrink-0 px-0"
                onClick={() => set('seed', String(randomSeed()))}
                aria-label="Random seed"
                title="Random seed"
              >
                <Dices className="h-4 w-4" aria-hidden />
              </button>
            </div>
            <p id={`${ids}-seed-hint`} className="mt-1 text-xs text-fg-subtle">
              {chosen.length === 0
                ? 'Used by the models that take a seed.'
                : seedModels.length === 0
                  ? 'None of the chosen models takes a seed.'
                  : `Used by ${listWords(seedModels)}.`}
            </p>
          </div>
        </div>

        <div>
          <label htmlFor={`${ids}-neg`} className="label">
            Negative prompt (optional)
          </label>
          <textarea
            id={`${ids}-neg`}
            rows={2}
            className="input h-auto resize-none py-2"
            placeholder="What to leave out"
            maxLength={MAX_NEGATIVE_CHARS}
            value={state.negative}
            onChange={(e) => set('negative', e.target.value)}
            aria-describedby={`${ids}-neg-hint`}
          />
          <p id={`${ids}-neg-hint`} className="mt-1 text-xs text-fg-subtle">
            {chosen.length === 0
              ? 'Only some models take a negative prompt.'
              : negModels.length === 0
                ? 'None of the chosen models takes a negative prompt.'
                : `Taken by ${listWords(negModels)}.`}
          </p>
        </div>
      </div>

      <div className="space-y-3 border-t border-line p-4">
        {error !== undefined && error !== null && <ErrorBanner error={error} />}
        {reason && (
          <p id={`${ids}-reason`} className="text-xs text-amber-600 dark:text-amber-400" role="status">
            {reason}
          </p>
        )}
        {short && account && (
          <p className="text-xs text-amber-600 dark:text-amber-400" role="status">
            Not enough credits: this needs {formatCredits(cost)} and you have {formatCredits(account.balance)}.
          </p>
        )}
        <div className="flex items-center gap-3">
          <div className="min-w-0 flex-1">
            <p className="text-xs text-fg-subtle">Total cost</p>
            <p className="text-sm font-semibold tabular-nums" data-testid="cost" aria-live="polite">
              {formatCredits(cost)}
            </p>
            {cost > 0 && chosen.length > 0 && Number.isInteger(state.n) && state.n > 0 && (
              <p className="text-xs text-fg-subtle" data-testid="cost-parts">
                {chosen.map((m) => `${m.name} ${m.credits === 0 ? 'free' : `${m.credits} × ${state.n}`}`).join(' + ')}
              </p>
            )}
          </div>
          <button
            type="submit"
            className="btn-primary h-10 px-5"
            disabled={!canSubmit}
            aria-describedby={reason ? `${ids}-reason` : undefined}
          >
            {submitting ? <Spinner label="Submitting" /> : <Columns3 className="h-4 w-4" aria-hidden />}
            Compare
          </button>
        </div>
      </div>
    </form>
  );
}
