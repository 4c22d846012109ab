import { useState } from 'react';
import { Link } from 'react-router';
import { Check, Copy, ExternalLink, UploadCloud } from 'lucide-react';
import { usePublishImage, useServerStatus } from '../api/desktopHooks';
import type { Visibility } from '../api/types';
import { VisibilitySwitch } from './VisibilitySwitch';
import { ProblemLine, serverHost } from './TeamServerSection';
import { ErrorBanner } from './ui';

const DETAIL: Record<Visibility, string> = {
  private: 'Only your server account can see it.',
  public: 'Anyone on the server with the link can see it.',
};

/** Desktop only, signed in to a team server: publishes this image (the original and its generation record)
 * there. Renders nothing otherwise. Give it `key={imageId}` so another image starts afresh. */
export function PublishCard({ imageId }: { imageId: string }) {
  const status = useServerStatus();
  const publish = usePublishImage();
  const [choice, setChoice] = useState<Visibility | null>(null);
  const [copied, setCopied] = useState(false);

  const s = status.data;
  if (!s?.signed_in) {
    // Signed out by the server while publishing: say so rather than vanish.
    if (!publish.error) return null;
    return (
      <section className="card p-4" aria-labelledby="publish-title">
        <h2 id="publish-title" className="text-xs font-medium uppercase tracking-wider text-fg-subtle">
          Team server
        </h2>
        <ErrorBanner className="mt-3" error={publish.error} />
        {s?.problem && <ProblemLine className="mt-2" problem={s.problem} />}
        <Link to="/settings" className="mt-2 inline-block text-sm font-medium text-accent hover:underline">
          Sign in again in Settings
        </Link>
      </section>
    );
  }
  const visibility = choice ?? s.account?.settings.default_visibility ?? 'private';
  const done = publish.data;

  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };

  return (
    <section className="card p-4" aria-labelledby="publish-title">
      <h2 id="publish-title" className="text-xs font-medium uppercase tracking-wider text-fg-subtle">
        Team server
      </h2>
      <p className="mt-1 text-xs text-fg-muted">
        Publish the original and its generation record{s.server && <> to {serverHost(s.server)}</>}.
      </p>
      {s.problem && <ProblemLine className="mt-2" problem={s.problem} />}
      {done ? (
        <div className="mt-3 rounded-xl border border-line bg-surface-2 px-3.5 py-3 text-sm" role="status">
          <p className="flex items-center gap-1.5 font-medium">
            <Check className="h-4 w-4 text-emerald-500" aria-hidden /> Published
          </p>
          {/* Tauri's opener opens target=_blank links in the system browser. */}
          <a
            href={done.url}
            target="_blank"
            rel="noopener noreferrer"
            className="mt-1 inline-flex max-w-full items-start gap-1 break-all text-accent hover:underline"
          >
            {done.url}
            <ExternalLink className="mt-1 h-3.5 w-3.5 shrink-0" aria-hidden />
          </a>
          <div className="mt-1 flex flex-wrap items-center gap-x-3">
            <button type="button" className="btn-ghost -ml-3 h-8" onClick={() => void copy(done.url)}>
              {copied ? <Check className="h-4 w-4" aria-hidden /> : <Copy className="h-4 w-4" aria-hidden />}
              {copied ? 'Copied' : 'Copy link'}
            </button>
            {/* The server's page inside the app, with its likes and comments. */}
            <Link to={`/p/${done.server_image_id}`} className="text-sm font-medium text-accent hover:underline">
              Open in the app
            </Link>
          </div>
        </div>
      ) : (
        <>
          <VisibilitySwitch
            label="Visibility on the server"
            className="mt-3"
            value={visibility}
            onChange={(v) => {
              if (!publish.isPending) setChoice(v);
            }}
          />
          <p className="mt-2 text-xs text-fg-muted">{DETAIL[visibility]}</p>
          <button
            type="button"
            className="btn-secondary mt-3 w-full"
            disabled={publish.isPending}
            onClick={() => publish.mutate({ imageId, visibility })}
          >
            <UploadCloud className="h-4 w-4" aria-hidden /> {publish.isPending ? 'Publishing…' : 'Publish to server'}
          </button>
        </>
      )}
      {publish.error && <ErrorBanner className="mt-3" error={publish.error} />}
    </section>
  );
}
