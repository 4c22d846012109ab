import { useEffect, useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark' | 'system';
const KEY = 'pixel.theme';

function isTheme(t: unknown): t is Theme {
  return t === 'light' || t === 'dark' || t === 'system';
}

/** The theme chosen on this device; null when none was chosen here yet. */
export function readStoredTheme(): Theme | null {
  try {
    const t = localStorage.getItem(KEY);
    if (isTheme(t)) return t;
  } catch {
    // storage unavailable
  }
  return null;
}

export function readTheme(): Theme {
  return readStoredTheme() ?? 'system';
}

function systemDark(): boolean {
  return typeof window.matchMedia === 'function'
    ? !window.matchMedia('(prefers-color-scheme: light)').matches
    : true;
}

export function applyTheme(theme: Theme): void {
  const dark = theme === 'dark' || (theme === 'system' && systemDark());
  document.documentElement.classList.toggle('dark', dark);
}

// One theme for the whole page: every picker (Settings, Account settings) and the account sync see the
// same value, so changing it in one place never leaves another showing a stale choice.
let current: Theme | null = null;
const listeners = new Set<() => void>();

function snapshot(): Theme {
  current ??= readTheme();
  return current;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Chooses the theme on this device: stored locally and applied at once. */
export function setTheme(t: Theme): void {
  try {
    localStorage.setItem(KEY, t);
  } catch {
    // storage unavailable
  }
  current = t;
  applyTheme(t);
  for (const l of [...listeners]) l();
}

/** The account's saved theme, for a device that has no choice of its own yet (a first sign-in on a new
 * browser): the device's own choice always wins. */
export function adoptAccountTheme(t: Theme): void {
  if (readStoredTheme() === null && t !== snapshot()) setTheme(t);
}

export function useTheme(): [Theme, (t: Theme) => void] {
  const theme = useSyncExternalStore(subscribe, snapshot, snapshot);
  useEffect(() => {
    applyTheme(theme);
    if (theme !== 'system' || typeof window.matchMedia !== 'function') return;
    const mq = window.matchMedia('(prefers-color-scheme: light)');
    const onChange = () => applyTheme('system');
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [theme]);
  return [theme, setTheme];
}
