// Exporting images as a zip (each with its record as JSON and, in PNGs, as AUTOMATIC1111 infotext). On the
// web a link the server answers with a streamed download, whose progress the browser shows; on the desktop
// a native save dialog, then the images written so far, counted here.

import { useState } from 'react';
import { Archive, FolderOpen } from 'lucide-react';
import type { ExportQuery } from '../../api/types';
import { useDesktop, useExportImages, useRevealPath } from '../../api/desktopHooks';
import { describeError } from '../../api/errors';
import { MAX_EXPORT_SELECTION, exportUrl } from '../../lib/exportUrl';
import { cn } from '../../lib/format';

type Props = { query: ExportQuery; label: string; className?: string };

export function ExportLink(props: Props) {
  const desktop = useDesktop();
  const { query, label, className } = props;
  // On the web chosen ids travel in the address; the desktop hands them to the shell.
  const tooMany = !desktop && (query.image_ids?.length ?? 0) > MAX_EXPORT_SELECTION;
  if (tooMany)
    return (
      <button type="button" className={cn('btn-ghost h-8', className)} disabled title={`Over ${MAX_EXPORT_SELECTION} images: export a filter of the library instead`}>
        <Archive className="h-4 w-4" aria-hidden /> {label}
      </button>
    );
  return desktop ? <DesktopExport {...props} /> : <WebExport {...props} />;
}

function WebExport({ query, label, className }: Props) {
  const [started, setStarted] = useState(false);
  return (
    <span className="inline-flex items-center gap-1.5">
      <a href={exportUrl(query)} download className={cn('btn-ghost h-8', className)} onClick={() => setStarted(true)}>
        <Archive className="h-4 w-4" aria-hidden /> {label}
      </a>
      {started && (
        <span className="text-xs text-fg-muted" role="status">
          Downloading — your browser shows its progress
        </span>
      )}
    </span>
  );
}

function DesktopExport({ query, label, className }: Props) {
  const exporting = useExportImages();
  const reveal = useRevealPath();
  const done = exporting.data;
  return (
    <span className="inline-flex items-center gap-1.5">
      <button type="button" className={cn('btn-ghost h-8', className)} disabled={exporting.isPending} onClick={() => exporting.mutate(query)}>
        <Archive className="h-4 w-4" aria-hidden /> {label}
      </button>
      {exporting.isPending && (
        <span className="text-xs text-fg-muted tabular-nums" role="status">
          Exporting… {exporting.progress} {exporting.progress === 1 ? 'image' : 'images'}
        </span>
      )}
      {done && (
        <>
          <span className="text-xs text-fg-muted" role="status">
            Exported {done.images} {done.images === 1 ? 'image' : 'images'}
          </span>
          <button type="button" className="btn-ghost h-8" onClick={() => reveal.mutate(done.path)}>
            <FolderOpen className="h-4 w-4" aria-hidden /> Show
          </button>
        </>
      )}
      {exporting.error && (
        <span className="text-xs text-rose-400" role="alert">
          {describeError(exporting.error).title}
        </span>
      )}
    </span>
  );
}
