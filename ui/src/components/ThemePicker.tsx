import { Monitor, Moon, Sun } from 'lucide-react';
import { useMe, useUpdateAccount } from '../api/hooks';
import { useTheme, type Theme } from '../lib/theme';
import { cn } from '../lib/format';
import { RadioCards } from './RadioCards';
import { ErrorBanner } from './ui';

const THEMES: Array<{ value: Theme; label: string; icon: typeof Sun }> = [
  { value: 'light', label: 'Light', icon: Sun },
  { value: 'dark', label: 'Dark', icon: Moon },
  { value: 'system', label: 'System', icon: Monitor },
];

/**
 * Light / Dark / System. The choice applies and is stored on this device at once (so it works signed out
 * and offline), and is also saved to the account when someone is signed in, so a new browser starts with it.
 */
export function ThemePicker() {
  const [theme, setTheme] = useTheme();
  const me = useMe();
  const save = useUpdateAccount();
  const account = me.data;

  const choose = (value: string) => {
    const t = value as Theme;
    setTheme(t);
    if (account && account.settings.theme !== t) save.mutate({ settings: { ...account.settings, theme: t } });
  };

  return (
    <>
      <p className="mt-1 text-xs text-fg-muted">
        {/* Single-owner installs save it too, but there is no other browser of "yours" to mention. */}
        {account?.auth_mode === 'oidc' ? 'Saved on this device and to your account.' : 'Saved on this device.'}
      </p>
      <RadioCards
        label="Theme"
        className="mt-4 grid grid-cols-3 gap-2"
        value={theme}
        onChange={choose}
        options={THEMES.map(({ value, label, icon: Icon }) => ({
          value,
          label: (
            <>
              <Icon className="h-5 w-5" aria-hidden />
              {label}
            </>
          ),
        }))}
        itemClassName={(checked) =>
          cn(
            'flex flex-col items-center gap-2 rounded-xl border px-3 py-4 text-sm font-medium transition-colors',
            checked ? 'border-accent/60 bg-accent/10 text-fg' : 'border-line text-fg-muted hover:text-fg',
          )
        }
      />
      {save.error && <ErrorBanner className="mt-3" error={save.error} />}
    </>
  );
}
