import { useId, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Clapperboard, Dices, Minus, Plus, Shuffle, Sparkles, X, type LucideIcon } from 'lucide-react';
import type { AccountOutput, CatalogueOutput, GenerationRequest, Image, ProviderStatus } from '../api/types';
import { useMediaUrl } from '../api/context';
import { ModelPicker } from './ModelPicker';
import { RadioCards } from './RadioCards';
import { ErrorBanner, Spinner } from './ui';
import { PromptBox } from './PromptBox';
import { cn, formatCredits, providerName } from '../lib/format';
import {
  costOf,
  formProblems,
  initialState,
  MAX_NEGATIVE_CHARS,
  randomSeed,
  requestFrom,
  sizePresets,
  switchModel,
  type FormState,
} from './createState';

export type CreateFormProps = {
  catalogue: CatalogueOutput;
  providers?: ProviderStatus[];
  account?: AccountOutput;
  initial?: FormState;
  /** Opens the advanced settings at first (an import that set a seed, steps, ...). */
  advancedOpen?: boolean;
  remixImage?: Image;
  /** Why the remix runs on another model than the record's (its provider retired it). */
  remixNote?: string;
  onClearRemix?: () => void;
  /** The library image the form animates (with an image-to-video model). */
  animateImage?: Image;
  onSubmit: (req: GenerationRequest) => void;
  submitting?: boolean;
  error?: unknown;
  className?: string;
};

/** The library image a request starts from (remixed or animated), with a way to let it go. */
function StartingImage({
  image,
  icon: Icon,
  verb,
  onClear,
  clearLabel,
}: {
  image: Image;
  icon: LucideIcon;
  verb: string;
  onClear?: () => void;
  clearLabel: string;
}) {
  const media = useMediaUrl();
  return (
    <div className="flex shrink-0 items-center gap-3 border-b border-line px-4 py-2.5">
      <img src={media(image.thumb_url)} alt="" className="h-8 w-8 rounded-md object-cover" />
      <p className="min-w-0 flex-1 truncate text-xs text-fg-muted">
        <Icon className="mr-1 inline h-3.5 w-3.5" aria-hidden />
        {verb} <span className="text-fg">{image.record.params.prompt}</span>
      </p>
      {onClear && (
        <button type="button" className="icon-btn" onClick={onClear} aria-label={clearLabel} title={clearLabel}>
          <X className="h-4 w-4" aria-hidden />
        </button>
      )}
    </div>
  );
}

function AspectIcon({ width, height }: { width: number; height: number }) {
  const max = 14;
  const w = width >= height ? max : Math.max(6, Math.round((max * width) / height));
  const h = height >= width ? max : Math.max(6, Math.round((max * height) / width));
  return (
    <span className="flex h-4 w-4 items-center justify-center" aria-hidden>
      <span className="rounded-[3px] border-[1.5px] border-current" style={{ width: w, height: h }} />
    </span>
  );
}

export function CreateForm({
  catalogue,
  providers,
  account,
  initial,
  advancedOpen = false,
  remixImage,
  remixNote,
  onClearRemix,
  animateImage,
  onSubmit,
  submitting = false,
  error,
  className,
}: CreateFormProps) {
  const ids = useId();
  const [state, setState] = useState<FormState>(() => {
    if (initial) return initial;
    const model = catalogue.models.find((m) => m.id === catalogue.default_model) ?? catalogue.models[0];
    return initialState(model);
  });
  const [showAdvanced, setShowAdvanced] = useState(advancedOpen);
  const model = catalogue.models.find((m) => m.id === state.model);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setState((s) => ({ ...s, [key]: value }));

  const problems = useMemo(() => formProblems(state, model), [state, model]);
  const cost = costOf(model, state);
  const charging = account?.charging ?? false;
  const short = charging && account !== undefined && cost > account.balance;
  const canSubmit = !!model && problems.length === 0 && !submitting && !short;

  const submit = () => {
    if (!model || !canSubmit) return;
    onSubmit(requestFrom(state, model));
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

  const presets = model ? sizePresets(model) : [];
  const isPreset = presets.some((p) => p.width === state.width && p.height === state.height);
  const hasAdvanced = !!model && (model.negative_prompt || model.seed || !!model.steps || !!model.cfg);
  const firstProblem = state.prompt.trim() === '' ? null : problems[0];

  return (
    <form onSubmit={onFormSubmit} onKeyDown={onKeyDown} className={cn('card flex flex-col overflow-hidden', className)} aria-label="Create images">
      {remixImage && (
        <StartingImage image={remixImage} icon={Shuffle} verb="Remixing" onClear={onClearRemix} clearLabel="Stop remixing" />
      )}
      {animateImage && state.sourceImage === animateImage.id && (
        <StartingImage
          image={animateImage}
          icon={Clapperboard}
          verb="Animating"
          onClear={() => set('sourceImage', null)}
          clearLabel="Stop animating"
        />
      )}
      {remixImage && remixNote && (
        <p role="note" className="shrink-0 border-b border-line bg-amber-50 px-4 py-2 text-xs text-amber-800 dark:bg-amber-950/40 dark:text-amber-300">
          {remixNote}
        </p>
      )}

      <PromptBox
        id={ids}
        value={state.prompt}
        onChange={(v) => set('prompt', v)}
        placeholder="Describe the image you want to create…"
        rows={4}
        action="generate"
        className="shrink-0"
      />

      <div className="min-h-0 flex-1 space-y-4 overflow-y-auto border-t border-line p-4">
        <div>
          <label htmlFor={`${ids}-model`} className="label">
            Model
          </label>
          <ModelPicker
            id={`${ids}-model`}
            models={catalogue.models}
            providers={providers}
            value={state.model}
            onChange={(id) => {
              const m = catalogue.models.find((x) => x.id === id);
              if (m) setState((s) => switchModel(s, m));
            }}
          />
          {model && <p className="mt-1.5 text-xs text-fg-subtle">{model.description}</p>}
        </div>

        {model && (
          <fieldset>
            <legend className="label">Size</legend>
            <RadioCards
              label="Size"
              className="flex flex-wrap gap-1.5"
              value={isPreset ? `${state.width}x${state.height}` : null}
              onChange={(v) => {
                const p = presets.find((x) => `${x.width}x${x.height}` === v);
                if (p) setState((s) => ({ ...s, width: p.width, height: p.height }));
              }}
              options={presets.map((p) => ({
                value: `${p.width}x${p.height}`,
                title: `${p.width}×${p.height}`,
                label: (
                  <>
                    <AspectIcon width={p.width} height={p.height} />
                    {p.label}
                  </>
                ),
              }))}
              itemClassName={(active) =>
                cn(
                  'flex items-center gap-1.5 rounded-lg border px-2.5 py-1.5 text-xs font-medium transition-colors',
                  active ? 'border-accent/60 bg-accent/10 text-fg' : 'border-line bg-surface-2 text-fg-muted hover:text-fg',
                )
              }
            />
            {model.sizes.kind === 'range' && (
              <div className="mt-2 grid grid-cols-2 gap-2">
                <div>
                  <label htmlFor={`${ids}-w`} className="label">
                    Width{!isPreset && ' (custom)'}
                  </label>
                  <input
                    id={`${ids}-w`}
                    type="number"
                    className="input tabular-nums"
                    min={model.sizes.min}
                    max={model.sizes.max}
                    step={model.sizes.multiple_of}
                    value={Number.isNaN(state.width) ? '' : state.width}
                    onChange={(e) => set('width', e.target.valueAsNumber)}
                  />
                </div>
                <div>
                  <label htmlFor={`${ids}-h`} className="label">
                    Height
                  </label>
                  <input
                    id={`${ids}-h`}
                    type="number"
                    className="input tabular-nums"
                    min={model.sizes.min}
                    max={model.sizes.max}
                    step={model.sizes.multiple_of}
                    value={Number.isNaN(state.height) ? '' : state.height}
                    onChange={(e) => set('height', e.target.valueAsNumber)}
                  />
                </div>
              </div>
            )}
          </fieldset>
        )}

        {model && (
          <div className="grid grid-cols-2 gap-3">
            <div>
              <label htmlFor={`${ids}-n`} className="label">
                {model.video ? 'Clips' : 'Images'}
              </label>
              <div className="flex h-9 items-center rounded-lg border border-line bg-surface-2">
                <button
                  type="button"
                  className="icon-btn h-9 w-9 rounded-r-none"
                  onClick={() => set('n', Math.max(1, state.n - 1))}
                  disabled={state.n <= 1}
                  aria-label={model.video ? 'Fewer clips' : 'Fewer images'}
                >
                  <Minus className="h-3.5 w-3.5" aria-hidden />
                </button>
                <input
                  id={`${ids}-n`}
                  type="number"
                  min={1}
                  max={model.max_images}
                  value={Number.isNaN(state.n) ? '' : state.n}
                  onChange={(e) => set('n', e.target.valueAsNumber)}
                  className="h-full w-full min-w-0 bg-transparent text-center text-sm tabular-nums focus:outline-none [appearance:textfield] [&::-webkit-inner-spin-button]:appearance-none"
                />
                <button
                  type="button"
                  className="icon-btn h-9 w-9 rounded-l-none"
                  onClick={() => set('n', Math.min(model.max_images, state.n + 1))}
                  disabled={state.n >= model.max_images}
                  aria-label={model.video ? 'More clips' : 'More images'}
                >
                  <Plus className="h-3.5 w-3.5" aria-hidden />
                </button>
              </div>
            </div>
            {model.video && (
              <div>
                <label htmlFor={`${ids}-duration`} className="label">
                  Length
                </label>
                <select
                  id={`${ids}-duration`}
                  className="input"
                  value={state.duration ?? model.video.default_duration}
                  onChange={(e) => set('duration', Number(e.target.value))}
                >
                  {model.video.durations.map((d) => (
                    <option key={d} value={d}>
                      {d} seconds
                    </option>
                  ))}
                </select>
              </div>
            )}
            {model.qualities.length > 0 && (
              <div>
                <label htmlFor={`${ids}-quality`} className="label">
                  Quality
                </label>
                <select
                  id={`${ids}-quality`}
                  className="input capitalize"
                  value={state.quality}
                  onChange={(e) => set('quality', e.target.value)}
                >
                  <option value="">Default</option>
                  {model.qualities.map((q) => (
                    <option key={q} value={q}>
                      {q}
                    </option>
                  ))}
                </select>
              </div>
            )}
            {model.styles.length > 0 && (
              <div>
                <label htmlFor={`${ids}-style`} className="label">
                  Style
                </label>
                <select
                  id={`${ids}-style`}
                  className="input capitalize"
                  value={state.style}
                  onChange={(e) => set('style', e.target.value)}
                >
                  <option value="">Default</option>
                  {model.styles.map((s) => (
                    <option key={s} value={s}>
                      {s.replace(/[-_]/g, ' ')}
                    </option>
                  ))}
                </select>
              </div>
            )}
          </div>
        )}

        {hasAdvanced && model && (
          <div>
            <button
              type="button"
              className="text-xs font-medium text-fg-muted hover:text-fg"
              aria-expanded={showAdvanced}
              aria-controls={`${ids}-adv`}
              onClick={() => setShowAdvanced((v) => !v)}
            >
              {showAdvanced ? '− Hide' : '+ Show'} advanced settings
            </button>
            <div id={`${ids}-adv`} hidden={!showAdvanced} className="mt-3 space-y-3">
              {model.negative_prompt && (
                <div>
                  <label htmlFor={`${ids}-neg`} className="label">
                    Negative prompt
                  </label>
                  <textarea
                    id={`${ids}-neg`}
                    rows={2}
                    className="input h-auto resize-none py-2"
                    placeholder="What to leave out"
                    maxLength={MAX_NEGATIVE_CHARS}
                    value={state.negative}
                    onChange={(e) => set('negative', e.target.value)}
                  />
                </div>
              )}
              {model.seed && (
                <div>
                  <label htmlFor={`${ids}-seed`} className="label">
                    Seed
                  </label>
                  <div className="flex gap-2">
                    <input
                      id={`${ids}-seed`}
                      inputMode="numeric"
                      className="input tabular-nums"
                      placeholder="Random"
                      value={state.seed}
                      onChange={(e) => set('seed', e.target.value.replace(/[^0-9]/g, ''))}
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
                </div>
              )}
              {model.steps && (
                <div>
                  <label htmlFor={`${ids}-steps`} className="label flex justify-between">
                    <span>Steps</span>
                    <span className="tabular-nums text-fg">{state.steps ?? model.steps.default}</span>
                  </label>
                  <input
                    id={`${ids}-steps`}
                    type="range"
                    className="w-full accent-violet-500"
                    min={model.steps.min}
                    max={model.steps.max}
                    step={1}
                    value={state.steps ?? model.steps.default}
                    onChange={(e) => set('steps', e.target.valueAsNumber)}
                  />
                </div>
              )}
              {model.cfg && (
                <div>
                  <label htmlFor={`${ids}-cfg`} className="label flex justify-between">
                    <span>CFG scale</span>
                    <span className="tabular-nums text-fg">{state.cfg ?? model.cfg.default}</span>
                  </label>
                  <input
                    id={`${ids}-cfg`}
                    type="range"
                    className="w-full accent-violet-500"
                    min={model.cfg.min}
                    max={model.cfg.max}
                    step={0.5}
                    value={state.cfg ?? model.cfg.default}
                    onChange={(e) => set('cfg', e.target.valueAsNumber)}
                  />
                </div>
              )}
            </div>
          </div>
        )}
      </div>

      <div className="shrink-0 space-y-3 border-t border-line p-4">
        {error !== undefined && error !== null && <ErrorBanner error={error} />}
        {firstProblem && (
          <p className="text-xs text-amber-600 dark:text-amber-400" role="status">
            {firstProblem}
          </p>
        )}
        {model && !model.offline && providers?.find((p) => p.id === model.provider)?.configured === false && (
          <p className="text-xs text-amber-600 dark:text-amber-400" role="status">
            {providerName(model.provider)} has no API key on this server yet; generating will fail until one is
            configured.
          </p>
        )}
        {short && account && (
          <p className="text-xs text-amber-600 dark:text-amber-400" role="status">
            Not enough credits: this needs {formatCredits(cost)} and you have {formatCredits(account.balance)}.
          </p>
        )}
        <div className="flex items-center gap-3">
          <div className="min-w-0 flex-1">
            <p className="text-xs text-fg-subtle">Cost</p>
            <p className="text-sm font-semibold tabular-nums" data-testid="cost" aria-live="polite">
              {formatCredits(cost)}
              {cost > 0 && model && state.n > 1 && (
                <span className="ml-1 font-normal text-fg-subtle">
                  ({cost / state.n} × {state.n})
                </span>
              )}
            </p>
          </div>
          <button type="submit" className="btn-primary h-10 px-5" disabled={!canSubmit}>
            {submitting ? <Spinner label="Submitting" /> : <Sparkles className="h-4 w-4" aria-hidden />}
            Generate
          </button>
        </div>
      </div>
    </form>
  );
}
