import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ArrowLeft, Check, Copy, Download, Layers, Shuffle, Trash2 } from 'lucide-react';
import { useCatalogue, useDeleteImages, useImage } from '../api/hooks';
import { errorWords } from '../api/errors';
import { FullImage } from '../components/Thumb';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBanner, ErrorState, PageSpinner } from '../components/ui';
import { useTitle } from '../lib/title';
import { formatBytes, formatCredits, formatDate, formatDuration, providerName } from '../lib/format';

export function ImagePage() {
  const { id } = useParams();
  const image = useImage(id);
  const catalogue = useCatalogue();
  const del = useDeleteImages();
  const navigate = useNavigate();
  const [copied, setCopied] = useState(false);
  const [confirm, setConfirm] = useState(false);

  useTitle(image.data ? image.data.record.params.prompt : 'Image');
  // Go back within the app when there is history; otherwise to the library.
  const goBack = () => {
    const idx: unknown = (window.history.state as { idx?: unknown } | null)?.idx;
    if (typeof idx === 'number' && idx > 0) navigate(-1);
    else navigate('/library');
  };

  if (image.isPending) return <PageSpinner />;
  if (image.isError)
    return <ErrorState className="min-h-[50vh]" error={image.error} onRetry={() => void image.refetch()} />;

  const img = image.data;
  const rec = img.record;
  const p = rec.params;
  const model = catalogue.data?.models.find((m) => m.id === rec.model);
  const t = rec.timings;

  const copyPrompt = async () => {
    try {
      await navigator.clipboard.writeText(p.prompt);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };

  const ext = img.mime.split('/')[1] ?? 'png';
  const rows: Array<[string, string | undefined]> = [
    ['Model', model ? `${model.name} (${rec.model})` : rec.model],
    ['Provider', providerName(rec.provider)],
    ['Provider model', rec.provider_model],
    ['Size', `${img.width}×${img.height}`],
    ['Seed', String(rec.seed)],
    ['Negative prompt', p.negative_prompt],
    ['Steps', p.steps?.toString()],
    ['CFG scale', p.cfg?.toString()],
    ['Quality', p.quality],
    ['Style', p.style],
    ['Cost', formatCredits(rec.cost)],
    ['Attempts', String(rec.attempts)],
    ['Queued', t.queued_at ? formatDate(t.queued_at) : undefined],
    ['Waited', t.started_at && t.queued_at ? formatDuration(t.started_at - t.queued_at) : undefined],
    ['Provider time', formatDuration(t.provider_ms)],
    ['Processing', formatDuration(t.processing_ms)],
    ['Total', t.finished_at && t.queued_at ? formatDuration(t.finished_at - t.queued_at) : undefined],
    ['File', `${img.mime} · ${formatBytes(img.bytes)}`],
    ['Visibility', img.visibility === 'public' ? 'Public' : 'Private'],
    ['Request id', rec.provider_request_id],
    ['SHA-256', img.sha256],
  ];

  return (
    <div className="mx-auto grid max-w-[1600px] gap-6 px-4 py-6 sm:px-6 lg:grid-cols-[1fr_400px]">
      <div className="min-w-0">
        <button type="button" onClick={goBack} className="btn-ghost -ml-3 mb-3 h-8">
          <ArrowLeft className="h-4 w-4" aria-hidden /> Back
        </button>
        <div className="flex items-center justify-center">
          <FullImage image={img} className="shadow-2xl shadow-black/40" />
        </div>
      </div>

      <aside className="space-y-4 lg:pt-11" aria-label="Generation record">
        <section className="card p-4">
          <div className="mb-2 flex items-center justify-between">
            <h1 className="text-xs font-medium uppercase tracking-wider text-fg-subtle">Prompt</h1>
            <button type="button" className="btn-ghost h-7 px-2 text-xs" onClick={() => void copyPrompt()}>
              {copied ? <Check className="h-3.5 w-3.5" aria-hidden /> : <Copy className="h-3.5 w-3.5" aria-hidden />}
              {copied ? 'Copied' : 'Copy prompt'}
            </button>
          </div>
          <p className="whitespace-pre-wrap text-[15px] leading-relaxed">{p.prompt}</p>
          {rec.revised_prompt && rec.revised_prompt !== p.prompt && (
            <p className="mt-3 border-t border-line pt-3 text-xs text-fg-muted">
              <span className="font-medium text-fg-subtle">Provider revised it to: </span>
              {rec.revised_prompt}
            </p>
          )}
          {rec.remix_of && (
            <p className="mt-3 flex items-center gap-1 text-xs text-fg-muted">
              <Shuffle className="h-3.5 w-3.5" aria-hidden /> Remix of{' '}
              <Link to={`/images/${rec.remix_of}`} className="font-medium text-accent hover:underline">
                {rec.remix_of.slice(0, 12)}…
              </Link>
            </p>
          )}
          <div className="mt-4 grid grid-cols-2 gap-2">
            <Link to={`/?remix=${img.id}`} className="btn-primary col-span-2">
              <Shuffle className="h-4 w-4" aria-hidden /> Remix
            </Link>
            <a href={img.url} download={`pixel-${img.id}.${ext}`} className="btn-secondary">
              <Download className="h-4 w-4" aria-hidden /> Download
            </a>
            <button type="button" className="btn-secondary text-red-600 dark:text-red-400" onClick={() => setConfirm(true)}>
              <Trash2 className="h-4 w-4" aria-hidden /> Delete
            </button>
          </div>
          {del.error && <ErrorBanner className="mt-3" error={del.error} />}
        </section>

        <section className="card p-4">
          <div className="mb-3 flex items-center justify-between">
            <h2 className="text-xs font-medium uppercase tracking-wider text-fg-subtle">Generation record</h2>
            <Link to={`/sets/${rec.set_id}`} className="inline-flex items-center gap-1 text-xs font-medium text-accent hover:underline">
              <Layers className="h-3.5 w-3.5" aria-hidden /> Open set
            </Link>
          </div>
          <dl className="divide-y divide-line text-sm">
            {rows
              .filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '')
              .map(([k, v]) => (
                <div key={k} className="flex gap-4 py-1.5">
                  <dt className="w-32 shrink-0 text-fg-subtle">{k}</dt>
                  <dd className="min-w-0 break-words text-fg [overflow-wrap:anywhere]">{v}</dd>
                </div>
              ))}
          </dl>
          {rec.retried_errors.length > 0 && (
            <div className="mt-3 border-t border-line pt-3">
              <h3 className="mb-1 text-xs text-fg-subtle">Retried after</h3>
              <ul className="space-y-1 text-xs text-fg-muted">
                {rec.retried_errors.map((e, i) => (
                  <li key={i}>
                    {errorWords(e.code)}: {e.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </section>
      </aside>

      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title="Delete this image?"
        confirmLabel={del.isPending ? 'Deleting…' : 'Delete'}
        busy={del.isPending}
        onConfirm={() =>
          del.mutate([img.id], {
            onSuccess: () => navigate('/library', { replace: true }),
            onError: () => setConfirm(false),
          })
        }
      >
        The original, its thumbnail and its generation record are removed. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}
