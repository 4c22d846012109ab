// Selling a prompt: its title, description, the prompt itself (shown only to buyers), a price of 1 to
// 1,000 credits, up to 10 tags and 1 to 8 sample images picked from the seller's own public work.

import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { Check, ImageOff } from 'lucide-react';
import { usePublishListing } from '../api/marketHooks';
import { useMe } from '../api/hooks';
import { useExplore } from '../api/socialHooks';
import { useMediaUrl } from '../api/context';
import { EmptyState, ErrorBanner, PageSpinner } from '../components/ui';
import { cn } from '../lib/format';
import { useTitle } from '../lib/title';

const MAX_SAMPLES = 8;

export function SellPromptPage() {
  useTitle('Sell a prompt');
  const me = useMe();
  const media = useMediaUrl();
  const navigate = useNavigate();
  const publish = usePublishListing();
  const mine = useExplore({ creator_id: me.data?.id ?? '' }, !!me.data);
  const images = useMemo(() => mine.data?.pages.flatMap((p) => p.images.map((i) => i.image)) ?? [], [mine.data]);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [prompt, setPrompt] = useState('');
  const [negative, setNegative] = useState('');
  const [price, setPrice] = useState(10);
  const [tags, setTags] = useState('');
  const [samples, setSamples] = useState<string[]>([]);
  const tagList = tags
    .split(/[,\s]+/)
    .map((t) => t.replace(/^#/, '').trim())
    .filter(Boolean);
  const valid =
    title.trim().length > 0 &&
    prompt.trim().length > 0 &&
    Number.isInteger(price) &&
    price >= 1 &&
    price <= 1000 &&
    tagList.length <= 10 &&
    samples.length >= 1;
  const toggle = (id: string) =>
    setSamples((s) => (s.includes(id) ? s.filter((x) => x !== id) : s.length < MAX_SAMPLES ? [...s, id] : s));

  return (
    <form
      className="mx-auto max-w-3xl space-y-5 px-4 py-6 sm:px-6"
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        publish.mutate(
          {
            title,
            description,
            prompt,
            ...(negative.trim() ? { negative_prompt: negative } : {}),
            price,
            tags: tagList,
            sample_image_ids: samples,
          },
          { onSuccess: (listing) => void navigate(`/market/${listing.id}`) },
        );
      }}
    >
      <h1 className="text-lg font-semibold">Sell a prompt</h1>
      <section className="card space-y-4 p-5">
        <label className="block text-sm">
          <span className="text-xs font-medium text-fg-muted">Title</span>
          <input className="input mt-1" maxLength={100} value={title} onChange={(e) => setTitle(e.target.value)} required />
        </label>
        <label className="block text-sm">
          <span className="text-xs font-medium text-fg-muted">Description (what buyers get)</span>
          <textarea
            className="input mt-1 h-20 resize-none py-2"
            maxLength={1000}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
        <label className="block text-sm">
          <span className="text-xs font-medium text-fg-muted">Prompt (only buyers see it)</span>
          <textarea
            className="input mt-1 h-28 resize-none py-2 font-mono"
            maxLength={4000}
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            required
          />
        </label>
        <label className="block text-sm">
          <span className="text-xs font-medium text-fg-muted">Negative prompt (optional)</span>
          <input className="input mt-1" maxLength={2000} value={negative} onChange={(e) => setNegative(e.target.value)} />
        </label>
        <div className="grid gap-4 sm:grid-cols-2">
          <label className="block text-sm">
            <span className="text-xs font-medium text-fg-muted">Price in credits (1-1,000)</span>
            <input
              type="number"
              className="input mt-1"
              min={1}
              max={1000}
              value={Number.isFinite(price) ? price : ''}
              onChange={(e) => setPrice(e.target.valueAsNumber)}
            />
            <span className="mt-1 block text-[11px] text-fg-subtle">
              You receive {Number.isFinite(price) && price > 0 ? price - Math.ceil(price / 10) : 0} credits a sale (10% platform fee).
            </span>
          </label>
          <label className="block text-sm">
            <span className="text-xs font-medium text-fg-muted">Tags (up to 10)</span>
            <input className="input mt-1" placeholder="portrait, film, moody" value={tags} onChange={(e) => setTags(e.target.value)} />
          </label>
        </div>
      </section>
      <section className="card p-5" aria-labelledby="samples">
        <h2 id="samples" className="text-sm font-semibold">
          Sample images ({samples.length}/{MAX_SAMPLES})
        </h2>
        <p className="mt-1 text-xs text-fg-subtle">
          Your public images. Their pages show their own prompts: pick ones that do not give this prompt away.
        </p>
        {mine.isPending ? (
          <PageSpinner />
        ) : images.length === 0 ? (
          <EmptyState icon={<ImageOff className="h-5 w-5" aria-hidden />} title="No public images yet">
            Make an image public to show it as a sample.
          </EmptyState>
        ) : (
          <ul className="mt-3 grid grid-cols-3 gap-2 sm:grid-cols-5" aria-label="Your public images">
            {images.map((img) => {
              const chosen = samples.includes(img.id);
              return (
                <li key={img.id}>
                  <button
                    type="button"
                    aria-pressed={chosen}
                    aria-label={`Sample: ${img.record.params.prompt}`}
                    className={cn(
                      'relative block aspect-square w-full overflow-hidden rounded-lg border-2',
                      chosen ? 'border-accent' : 'border-transparent',
                    )}
                    onClick={() => toggle(img.id)}
                  >
                    <img src={media(`/media/${img.id}/thumb`)} alt="" className="h-full w-full object-cover" />
                    {chosen && (
                      <span className="absolute right-1 top-1 rounded-full bg-accent p-0.5 text-white">
                        <Check className="h-3 w-3" aria-hidden />
                      </span>
                    )}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      {publish.error && <ErrorBanner error={publish.error} />}
      <div className="flex justify-end">
        <button type="submit" className="btn-primary" disabled={!valid || publish.isPending}>
          {publish.isPending ? 'Publishing…' : 'Publish'}
        </button>
      </div>
    </form>
  );
}
