import * as Select from '@radix-ui/react-select';
import { Check, ChevronDown, Cpu, KeyRound, Zap } from 'lucide-react';
import type { Model, ProviderStatus } from '../api/types';
import { cn, providerName, speedWords } from '../lib/format';
import { priceWords } from './createState';

export const OFFLINE_LABEL = 'Offline renderer — not an AI model';

export function ModelMeta({ model, configured }: { model: Model; configured: boolean | undefined }) {
  return (
    <span className="flex flex-wrap items-center gap-1.5 text-xs text-fg-subtle">
      {model.offline ? (
        <span className="inline-flex items-center gap-1 text-amber-600 dark:text-amber-400">
          <Cpu className="h-3 w-3" aria-hidden />
          {OFFLINE_LABEL}
        </span>
      ) : (
        <span>{providerName(model.provider)}</span>
      )}
      <span aria-hidden>·</span>
      <span className="inline-flex items-center gap-0.5">
        <Zap className="h-3 w-3" aria-hidden />
        {speedWords(model.speed)}
      </span>
      <span aria-hidden>·</span>
      <span>{priceWords(model)}</span>
      {configured === false && !model.offline && (
        <span className="inline-flex items-center gap-0.5 text-amber-600 dark:text-amber-400">
          <KeyRound className="h-3 w-3" aria-hidden /> key needed
        </span>
      )}
    </span>
  );
}

export function ModelPicker({
  models,
  value,
  onChange,
  providers,
  id,
}: {
  models: Model[];
  value: string;
  onChange: (id: string) => void;
  providers?: ProviderStatus[];
  id?: string;
}) {
  const current = models.find((m) => m.id === value);
  const configured = (m: Model) => providers?.find((p) => p.id === m.provider)?.configured;
  return (
    <Select.Root value={value} onValueChange={onChange}>
      <Select.Trigger
        id={id}
        aria-label="Model"
        className="flex w-full items-center gap-3 rounded-xl border border-line bg-surface-2 px-3 py-2.5 text-left transition-colors hover:bg-surface-3/60 focus:outline-none focus-visible:ring-2 focus-visible:ring-accent"
      >
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-medium">
            <Select.Value placeholder="Choose a model">{current?.name}</Select.Value>
          </span>
          {current && <ModelMeta model={current} configured={configured(current)} />}
        </span>
        <Select.Icon>
          <ChevronDown className="h-4 w-4 text-fg-subtle" aria-hidden />
        </Select.Icon>
      </Select.Trigger>
      <Select.Portal>
        <Select.Content
          position="popper"
          sideOffset={6}
          className="z-50 max-h-[min(70vh,var(--radix-select-content-available-height))] w-[var(--radix-select-trigger-width)] overflow-hidden rounded-xl border border-line bg-surface-1 shadow-2xl"
        >
          <Select.Viewport className="p-1">
            {models.map((m) => (
              <Select.Item
                key={m.id}
                value={m.id}
                className={cn(
                  'relative flex cursor-pointer select-none flex-col gap-0.5 rounded-lg px-3 py-2 pr-8 outline-none',
                  'data-[highlighted]:bg-surface-2',
                )}
              >
                <Select.ItemText>
                  <span className="text-sm font-medium">{m.name}</span>
                </Select.ItemText>
                <ModelMeta model={m} configured={configured(m)} />
                <Select.ItemIndicator className="absolute right-2.5 top-3">
                  <Check className="h-4 w-4 text-accent" aria-hidden />
                </Select.ItemIndicator>
              </Select.Item>
            ))}
          </Select.Viewport>
        </Select.Content>
      </Select.Portal>
    </Select.Root>
  );
}
