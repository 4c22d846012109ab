// Import of generation records from images (PNG, JPEG, WebP) made by AUTOMATIC1111, ComfyUI, InvokeAI, Fooocus
// and NovelAI: choose one with the "Import image" button or drop one anywhere on the Create page, look at its record, then prefill the
// create form from the ready request the server mapped onto a model this installation runs.

import { createPortal } from 'react-dom';
import { lazy, Suspense, useCallback, useEffect, useId, useRef, useState } from 'react';
import { FileImage, ImageDown } from 'lucide-react';
import { useImportRecord } from '../api/hooks';
import type { CatalogueOutput } from '../api/types';
import type { ImportUse } from './ImportDialog';

export type { ImportUse };

const ImportDialog = lazy(() => import('./ImportDialog').then((m) => ({ default: m.ImportDialog })));

/** Whether a drag carries files (not text or a link from the page itself). */
function dragHasFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types ?? []).includes('Files');
}

/** The "Import image" button, the page-wide drop target with its overlay, and the import dialog. */
export function ImportPng({ catalogue, onUse }: { catalogue: CatalogueOutput; onUse: ImportUse }) {
  const importer = useImportRecord();
  const [open, setOpen] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [fileName, setFileName] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();

  const { mutate, reset } = importer;
  const start = useCallback(
    (file: File) => {
      setFileName(file.name);
      setOpen(true);
      mutate(file);
    },
    [mutate],
  );

  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      e.preventDefault();
      depth += 1;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      e.preventDefault(); // allow the drop (and stop the browser from opening the file)
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (file) start(file);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [start]);

  const choose = () => input.current?.click();

  return (
    <>
      <button
        type="button"
        className="btn-ghost h-7 px-2 text-xs"
        onClick={choose}
        aria-describedby={hintId}
        title="Import the settings of an image made by AUTOMATIC1111, ComfyUI, InvokeAI, Fooocus or NovelAI (or drop it on this page)"
      >
        <FileImage className="h-3.5 w-3.5" aria-hidden />
        Import image
      </button>
      <span id={hintId} className="sr-only">
        Reads the generation settings of a PNG, JPEG or WebP made by AUTOMATIC1111, ComfyUI, InvokeAI, Fooocus or NovelAI. You can also drop the
        image anywhere on this page.
      </span>
      <input
        ref={input}
        type="file"
        accept="image/png,image/jpeg,image/webp,.png,.jpg,.jpeg,.webp"
        hidden
        aria-label="Image to import"
        data-testid="import-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = ''; // choosing the same file again still imports it
          if (file) start(file);
        }}
      />

      {/* Portalled: the form's sticky column is a stacking context the overlay must not be caught in. */}
      {dragging &&
        createPortal(
          <div
            className="pointer-events-none fixed inset-0 z-[60] flex items-center justify-center bg-surface-0/80 p-6 backdrop-blur-sm"
            data-testid="drop-overlay"
            aria-hidden
          >
            <div className="flex h-full w-full flex-col items-center justify-center gap-3 rounded-3xl border-2 border-dashed border-accent/70 bg-accent/5 text-center">
              <div className="flex h-14 w-14 items-center justify-center rounded-2xl bg-accent/15 text-accent">
                <ImageDown className="h-7 w-7" aria-hidden />
              </div>
              <p className="text-lg font-semibold text-fg">Drop an image to import its settings</p>
              <p className="max-w-sm text-sm text-fg-muted">
                Images saved by AUTOMATIC1111, ComfyUI, InvokeAI, Fooocus or NovelAI keep their prompt and settings inside the file.
              </p>
            </div>
          </div>,
          document.body,
        )}

      {open && (
        <Suspense fallback={null}>
          <ImportDialog
            open={open}
            onOpenChange={(o) => {
              setOpen(o);
              if (!o) reset();
            }}
            fileName={fileName}
            pending={importer.isPending}
            error={importer.error}
            result={importer.data}
            catalogue={catalogue}
            onChooseAnother={choose}
            onUse={(state, adv) => {
              onUse(state, adv);
              setOpen(false);
              reset();
            }}
          />
        </Suspense>
      )}
    </>
  );
}
