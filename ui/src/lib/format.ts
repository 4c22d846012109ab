import type { CatalogueOutput } from '../api/types';

/** "Free", "1 credit", "12 credits". */
export function formatCredits(n: number): string {
  if (n === 0) return 'Free';
  return `${n.toLocaleString('en-US')} ${Math.abs(n) === 1 ? 'credit' : 'credits'}`;
}

/** A count of credits held, owed or earned: "0 credits", "1 credit", "12 credits". */
export function formatBalance(n: number): string {
  return `${n.toLocaleString('en-US')} ${Math.abs(n) === 1 ? 'credit' : 'credits'}`;
}

/** An amount of money in its smallest unit (cents), in its currency: "$29.99". */
export function formatMoney(cents: number, currency = 'usd'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function formatRelative(ms: number, now = Date.now()): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  return new Date(ms).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = ms / 1000;
  if (s < 59.95) return `${s.toFixed(1)} s`;
  // Round once, then split, so 3599.7 s reads "60 min 0 s" and never "59 min 60 s".
  const total = Math.round(s);
  return `${Math.floor(total / 60)} min ${total % 60} s`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

export function cn(...parts: Array<string | false | null | undefined>): string {
  return parts.filter(Boolean).join(' ');
}

const SPEED_WORDS: Record<string, string> = {
  instant: 'Instant',
  fast: 'Fast',
  medium: 'Medium',
  slow: 'Slow',
};
export function speedWords(speed: string): string {
  return SPEED_WORDS[speed] ?? speed;
}

const PROVIDER_NAMES: Record<string, string> = {
  local: 'Built-in',
  openai: 'OpenAI',
  stability: 'Stability AI',
  bfl: 'Black Forest Labs',
  ideogram: 'Ideogram',
  fal: 'fal.ai',
  replicate: 'Replicate',
  runway: 'Runway',
  luma: 'Luma',
  together: 'Together',
  huggingface: 'Hugging Face',
};
export function providerName(id: string): string {
  return PROVIDER_NAMES[id] ?? id;
}

/** A model's name for a record: the catalogue's, a retired model's with when it was retired, or the id. */
export function modelName(catalogue: CatalogueOutput | undefined, id: string): string {
  const live = catalogue?.models.find((m) => m.id === id);
  if (live) return live.name;
  const retired = catalogue?.retired.find((r) => r.id === id);
  return retired ? `${retired.name} (retired ${retired.retired_on})` : id;
}
