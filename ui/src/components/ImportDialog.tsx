// The import dialog: an imported record (or why there is none) and the button that prefills the form.
// Loaded on first use, with Radix Dialog, so the Create page's first paint does not carry it.

import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useRef } from 'react';
import { AlertTriangle, X } from 'lucide-react';
import type { CatalogueOutput, ImportOutput } from '../api/types';
import { describeError } from '../api/errors';
import { importErrorWords, sourceName } from '../lib/importPng';
import { stateFromRequest, type FormState } from './createState';
import { Spinner } from './ui';

export type ImportUse = (state: FormState, showAdvanced: boolean) => void;

function Field({ label, value, wide }: { label: string; value: string; wide?: boolean }) {
  return (
    <div className={wide ? 'col-span-2 min-w-0 sm:col-span-3' : 'min-w-0'}>
      <dt className="text-xs text-fg-subtle">{label}</dt>
      <dd className="mt-0.5 break-words text-sm tabular-nums text-fg">{value}</dd>
    </div>
  );
}

export type ImportDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  fileName: string;
  pending: boolean;
  error: unknown;
  result: ImportOutput | undefined;
  catalogue: CatalogueOutput;
  onUse: ImportUse;
  onChooseAnother: () => void;
};

/** Shows an imported record (or why there is none) and offers to prefill the create form. */
export function ImportDialog({
  open,
  onOpenChange,
  fileName,
  pending,
  error,
  result,
  catalogue,
  onUse,
  onChooseAnother,
}: ImportDialogProps) {
  const model = result ? catalogue.models.find((m) => m.id === result.request.model) : undefined;
  const rec = result?.record;
  const failure = error ? (importErrorWords(error) ?? describeError(error)) : null;
  const content = useRef<HTMLDivElement>(null);
  const primary = useRef<HTMLButtonElement>(null);
  const another = useRef<HTMLButtonElement>(null);

  // Focus follows the outcome: the primary button once the record is in, "Choose another image" on failure.
  const ready = !pending && !!result && !!model;
  const failed = !pending && !!failure;
  useEffect(() => {
    if (ready) primary.current?.focus();
    else if (failed) another.current?.focus();
  }, [ready, failed]);

  const use = () => {
    if (!result || !model) return;
    const req = result.request;
    const adv =
      (model.negative_prompt && !!req.negative_prompt) ||
      (model.seed && req.seed !== undefined) ||
      (!!model.steps && req.steps !== undefined) ||
      (!!model.cfg && req.cfg !== undefined);
    onUse(stateFromRequest(model, req), adv);
  };

  const fields: Array<[string, string]> = [];
  if (rec) {
    if (rec.width !== undefined && rec.height !== undefined) fields.push(['Size', `${rec.width}×${rec.height}`]);
    if (rec.seed !== undefined) fields.push(['Seed', String(rec.seed)]);
    if (rec.steps !== undefined) fields.push(['Steps', String(rec.steps)]);
    if (rec.cfg !== undefined) fields.push(['CFG scale', String(rec.cfg)]);
    if (rec.sampler) fields.push(['Sampler', rec.sampler]);
  }

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/60 backdrop-blur-sm" />
        <Dialog.Content
          className="card fixed left-1/2 top-1/2 z-50 flex max-h-[min(88vh,760px)] w-[min(94vw,600px)] -translate-x-1/2 -translate-y-1/2 flex-col shadow-2xl focus:outline-none focus-visible:ring-0"
          aria-busy={pending}
          ref={content}
          // Focus the outcome if it is already in; while the image is read, the dialog itself (not its close button).
          onOpenAutoFocus={(e) => {
            e.preventDefault();
            (ready ? primary : failed ? another : content).current?.focus();
          }}
        >
          <div className="flex shrink-0 items-start gap-3 border-b border-line px-6 py-4">
            <div className="min-w-0 flex-1">
              <Dialog.Title className="flex flex-wrap items-center gap-2 text-base font-semibold">
                Import generation settings
                {rec && (
                  <span
                    className="inline-flex items-center rounded-full border border-accent/40 bg-accent/10 px-2 py-0.5 text-[11px] font-semibold text-accent"
                    data-testid="import-source"
                  >
                    {sourceName(rec.source)}
                  </span>
                )}
              </Dialog.Title>
              <Dialog.Description className="mt-0.5 truncate text-xs text-fg-muted">
                {fileName ? `From ${fileName}` : 'From an image'}
              </Dialog.Description>
            </div>
            <Dialog.Close className="icon-btn -mr-2" aria-label="Close">
              <X className="h-4 w-4" aria-hidden />
            </Dialog.Close>
          </div>

          <div className="min-h-0 flex-1 overflow-y-auto px-6 py-5">
            {pending && (
              <div className="flex items-center gap-3 py-6 text-sm text-fg-muted">
                <Spinner label="Reading the image" /> Reading the image…
              </div>
            )}

            {!pending && failure && (
              <div role="alert" className="flex gap-3 py-2">
                <div className="flex h-9 w-9 shrink-0 items-center justify-center rounded-xl bg-amber-500/10">
                  <AlertTriangle className="h-4 w-4 text-amber-500" aria-hidden />
                </div>
                <div>
                  <p className="text-sm font-medium text-fg">{failure.title}</p>
                  {failure.detail && <p className="mt-1 text-sm text-fg-muted">{failure.detail}</p>}
                </div>
              </div>
            )}

            {!pending && rec && result && (
              <div className="space-y-4">
                <div>
                  <h3 className="text-xs text-fg-subtle">Prompt</h3>
                  <p className="mt-1 whitespace-pre-wrap break-words rounded-lg border border-line bg-surface-2 px-3 py-2 text-sm leading-relaxed text-fg">
                    {rec.prompt || <span className="text-fg-subtle">(empty)</span>}
                  </p>
                </div>
                {rec.negative_prompt && (
                  <div>
                    <h3 className="text-xs text-fg-subtle">Negative prompt</h3>
                    <p className="mt-1 whitespace-pre-wrap break-words rounded-lg border border-line bg-surface-2 px-3 py-2 text-sm leading-relaxed text-fg-muted">
                      {rec.negative_prompt}
                    </p>
                  </div>
                )}
                {(fields.length > 0 || rec.model) && (
                  <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-3">
                    {fields.map(([label, value]) => (
                      <Field key={label} label={label} value={value} />
                    ))}
                    {rec.model && <Field label="Model" value={rec.model} wide />}
                  </dl>
                )}
                {rec.notes && rec.notes.length > 0 && (
                  <ul className="space-y-1 text-xs text-fg-muted" aria-label="How the record was read">
                    {rec.notes.map((note) => (
                      <li key={note}>{note.charAt(0).toUpperCase() + note.slice(1)}.</li>
                    ))}
                  </ul>
                )}
              </div>
            )}
          </div>

          <div className="shrink-0 space-y-3 border-t border-line px-6 py-4">
            {!pending && result && model && (
              <p className="text-xs text-fg-muted">
                Generates with <span className="font-medium text-fg">{model.name}</span>.
                {result.dropped.length > 0 && (
                  <span className="mt-1.5 block text-amber-700 dark:text-amber-400" data-testid="import-dropped">
                    Not used by {model.name}: {result.dropped.join(', ')}.
                  </span>
                )}
              </p>
            )}
            {!pending && result && !model && (
              <p className="text-xs text-amber-700 dark:text-amber-400" role="status">
                The model these settings map to ({result.request.model}) is not available here.
              </p>
            )}
            <div className="flex flex-wrap justify-end gap-2">
              {!pending && failure && (
                <button ref={another} type="button" className="btn-secondary mr-auto" onClick={onChooseAnother}>
                  Choose another image
                </button>
              )}
              <Dialog.Close className="btn-secondary">Cancel</Dialog.Close>
              {!failure && (
                <button ref={primary} type="button" className="btn-primary" onClick={use} disabled={!ready}>
                  Use these settings
                </button>
              )}
            </div>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
