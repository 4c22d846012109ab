import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ArrowLeft, Check, Clapperboard, Copy, Download, FolderOpen, Layers, Link2, Lock, Shuffle, Trash2 } from 'lucide-react';
import { useCatalogue, useDeleteImages, useImage, useMe, useSetVisibility } from '../api/hooks';
import { errorWords } from '../api/errors';
import { useMediaUrl } from '../api/context';
import { useDesktop, useRevealPath, useSaveImage } from '../api/desktopHooks';
import { useImageHref, useServerScope } from '../api/community';
import { FullImage, isVideo } from '../components/Thumb';
import { animateModel } from '../components/createState';
import { PublishCard } from '../components/PublishCard';
import { ImageSocial } from '../components/social/ImageSocial';
import { ImageRelated } from '../components/social/ImageRelated';
import { ProfilePictureButton } from '../components/social/ProfilePictureButton';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { VisibilitySwitch } from '../components/VisibilitySwitch';
import { AddToCollection } from '../components/collections/AddToCollection';
import { ImageTagsCard } from '../components/tags/ImageTagsCard';
import { OrderPrintCard } from '../components/prints/OrderPrintCard';
import { ErrorBanner, ErrorState, PageSpinner } from '../components/ui';
import { useTitle } from '../lib/title';
import { cn, formatBytes, formatCredits, formatDate, formatDuration, modelName, providerName } from '../lib/format';
import type { Image, PremiumLock, Visibility } from '../api/types';

export function ImagePage() {
  const { id } = useParams();
  const image = useImage(id);
  const catalogue = useCatalogue();
  const del = useDeleteImages();
  const navigate = useNavigate();
  const [copied, setCopied] = useState(false);
  const [linkCopied, setLinkCopied] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const media = useMediaUrl();
  // On the desktop a download link would go nowhere (webviews do not download): Rust shows a save dialog.
  const desktop = useDesktop();
  // The team server's image on the desktop: its links stay on the server's pages, and what only the local
  // library can do (remix here, download to disk, its sets) is not offered.
  const server = useServerScope();
  const imageHref = useImageHref();
  const save = useSaveImage();
  const me = useMe();

  useTitle(image.data ? (image.data.locked ? image.data.locked.title : image.data.record.params.prompt) : 'Image');
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
  // Public images are open to everyone: only their owner may change or delete them.
  const owner = !!me.data && me.data.id === img.owner_id;
  const rec = img.record;
  const p = rec.params;
  const t = rec.timings;
  const name = modelName(catalogue.data, rec.model);
  const modelLabel = name === rec.model ? rec.model : `${name} (${rec.model})`;

  const copyPrompt = async () => {
    try {
      await navigator.clipboard.writeText(p.prompt);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };

  // A public image on a server has a share link whose preview shows the picture and its prompt.
  const origin = server ? server.server : desktop ? null : window.location.origin;
  const shareUrl = origin && img.visibility === 'public' ? `${origin}/p/${img.id}` : null;
  const copyLink = async () => {
    if (!shareUrl) return;
    try {
      await navigator.clipboard.writeText(shareUrl);
      setLinkCopied(true);
      setTimeout(() => setLinkCopied(false), 1500);
    } catch {
      setLinkCopied(false);
    }
  };

  const ext = img.mime.split('/')[1] ?? 'png';
  const rows: Array<[string, string | undefined]> = [
    ['Model', modelLabel],
    ['Provider', providerName(rec.provider)],
    ['Provider model', rec.provider_model],
    ['Size', `${img.width}×${img.height}`],
    [
      'Length',
      rec.video
        ? `${(rec.video.duration_ms / 1000).toFixed(1)} s · ${rec.video.frames} frames · ${rec.video.codec.toUpperCase()}`
        : p.duration !== undefined
          ? `${p.duration} s`
          : undefined,
    ],
    ['Seed', img.locked ? undefined : String(rec.seed)],
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
    ['Visibility', owner ? undefined : img.visibility === 'public' ? 'Public' : 'Private'],
    ['Request id', rec.provider_request_id],
    ['SHA-256', img.sha256 || undefined],
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
        {img.locked && <LockedCard lock={img.locked} />}
        <section className={cn('card p-4', img.locked && 'hidden')}>
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
              <Link to={imageHref(rec.remix_of)} className="font-medium text-accent hover:underline">
                {rec.remix_of.slice(0, 12)}…
              </Link>
            </p>
          )}
          <div className="mt-4 grid grid-cols-2 gap-2">
            {!server && (
              <Link to={`/?remix=${img.id}`} className="btn-primary col-span-2">
                <Shuffle className="h-4 w-4" aria-hidden /> Remix
              </Link>
            )}
            {/* Only the owner's stills: a clip is not animated again, and others' images are theirs. */}
            {!server && owner && !isVideo(img) && catalogue.data && animateModel(catalogue.data) && (
              <Link to={`/?animate=${img.id}`} className="btn-secondary col-span-2">
                <Clapperboard className="h-4 w-4" aria-hidden /> Animate
              </Link>
            )}
            {server ? null : desktop ? (
              <button
                type="button"
                className={cn('btn-secondary', !owner && 'col-span-2')}
                disabled={save.isPending}
                onClick={() => save.mutate(img.id)}
              >
                <Download className="h-4 w-4" aria-hidden /> {save.isPending ? 'Saving…' : 'Download'}
              </button>
            ) : (
              <a href={media(img.url)} download={`pixel-${img.id}.${ext}`} className={cn('btn-secondary', !owner && 'col-span-2')}>
                <Download className="h-4 w-4" aria-hidden /> Download
              </a>
            )}
            {shareUrl && (
              <button type="button" className="btn-secondary col-span-2" onClick={() => void copyLink()}>
                {linkCopied ? <Check className="h-4 w-4" aria-hidden /> : <Link2 className="h-4 w-4" aria-hidden />}
                {linkCopied ? 'Link copied' : 'Copy share link'}
              </button>
            )}
            {owner && (
              <button type="button" className="btn-secondary text-red-600 dark:text-red-400" onClick={() => setConfirm(true)}>
                <Trash2 className="h-4 w-4" aria-hidden /> Delete
              </button>
            )}
          </div>
          {/* Only for this image: the page stays mounted when a link opens another one. */}
          {save.variables === img.id && save.data && <SavedNotice key={save.data.path} path={save.data.path} />}
          {save.variables === img.id && save.error && <ErrorBanner className="mt-3" error={save.error} />}
          {del.error && <ErrorBanner className="mt-3" error={del.error} />}
        </section>

        {owner && <VisibilityCard image={img} profilePicture={!desktop} />}

        {owner && !server && <AddToCollection imageId={img.id} />}

        {/* Keyed by image so a card's draft does not carry over to the next image; each key is its own, as
            siblings sharing one key are drawn twice or not at all. */}
        {owner && !server && <ImageTagsCard key={`tags-${img.id}`} imageId={img.id} />}

        {!desktop && !img.locked && me.data && <OrderPrintCard imageId={img.id} />}

        {desktop && <PublishCard key={`publish-${img.id}`} imageId={img.id} />}

        {!desktop && <ImageSocial key={`social-${img.id}`} imageId={img.id} me={me.data} ownerId={img.owner_id} />}

        <section className="card p-4">
          <div className="mb-3 flex items-center justify-between">
            <h2 className="text-xs font-medium uppercase tracking-wider text-fg-subtle">Generation record</h2>
            {/* A set is its owner's: others see the image, not the batch it came from. */}
            {owner && !server && (
              <Link to={`/sets/${rec.set_id}`} className="inline-flex items-center gap-1 text-xs font-medium text-accent hover:underline">
                <Layers className="h-3.5 w-3.5" aria-hidden /> Open set
              </Link>
            )}
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
        {!desktop && <ImageRelated key={`related-${img.id}`} imageId={img.id} />}
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

const VISIBILITY_DETAIL: Record<Visibility, string> = {
  private: 'Only you can see this image.',
  public: 'Anyone with the link can see this image.',
};

/** The owner's switch between Private and Public, showing the current state. */
function VisibilityCard({ image, profilePicture }: { image: Image; profilePicture: boolean }) {
  const set = useSetVisibility();
  const pending = set.isPending ? set.variables.visibility : null;
  // While the change is on its way show where it is going; the cache takes the server's answer.
  const shown = pending ?? image.visibility;
  return (
    <section className="card p-4" aria-labelledby="visibility-title">
      <h2 id="visibility-title" className="mb-3 text-xs font-medium uppercase tracking-wider text-fg-subtle">
        Visibility
      </h2>
      <VisibilitySwitch
        value={shown}
        onChange={(v) => {
          if (v !== image.visibility && !set.isPending) set.mutate({ ids: [image.id], visibility: v });
        }}
      />
      <p className="mt-2 text-xs text-fg-muted" aria-live="polite">
        {set.isPending ? 'Saving…' : VISIBILITY_DETAIL[shown]}
      </p>
      {profilePicture && image.visibility === 'public' && !set.isPending && <ProfilePictureButton imageId={image.id} />}
      {set.error && <ErrorBanner className="mt-3" error={set.error} />}
    </section>
  );
}

/** "Saved to <path>", with a button that shows the file in the system file manager. */
function SavedNotice({ path }: { path: string }) {
  const reveal = useRevealPath();
  return (
    <div className="mt-3 rounded-xl border border-line bg-surface-2 px-3.5 py-3 text-sm" role="status">
      <p className="text-fg-muted">
        Saved to <span className="break-all text-fg">{path}</span>
      </p>
      <button type="button" className="btn-ghost -ml-3 mt-1 h-8" onClick={() => reveal.mutate(path)} disabled={reveal.isPending}>
        <FolderOpen className="h-4 w-4" aria-hidden /> Show in folder
      </button>
      {reveal.error && <ErrorBanner className="mt-2" error={reveal.error} />}
    </div>
  );
}

/** A premium image the viewer has not unlocked: what it is part of, and where to unlock it. */
function LockedCard({ lock }: { lock: PremiumLock }) {
  return (
    <section className="card space-y-3 p-4" aria-label="Premium image">
      <p className="flex items-center gap-2 text-sm font-medium">
        <Lock className="h-4 w-4 text-amber-500" aria-hidden /> Part of the premium collection “{lock.title}”
      </p>
      <p className="text-sm text-fg-muted">Unlock the collection to see this image whole, with its prompt and seed.</p>
      <Link to={`/collections/${lock.collection_id}`} className="btn-primary w-full">
        Unlock for {formatCredits(lock.price)}
      </Link>
    </section>
  );
}
