// The compare form's state, what stops a submit, its cost and the request it builds.

import type { CompareRequest, Model, ProviderStatus } from '../api/types';
import { MAX_NEGATIVE_CHARS, MAX_PROMPT_CHARS, MAX_SEED } from './createState';

export const MIN_MODELS = 2;
export const MAX_MODELS = 4;
export const MAX_PER_MODEL = 4;

export type CompareState = {
  prompt: string;
  /** Chosen model ids, in the order chosen (the order of the columns). */
  models: string[];
  n: number;
  negative: string;
  /** Text of the seed field; empty means random. */
  seed: string;
};

export const emptyCompare: CompareState = { prompt: '', models: [], n: 1, negative: '', seed: '' };

/** Whether a model can run here: the offline renderer always, others when their provider has a key. */
export function modelUsable(model: Model, providers: ProviderStatus[] | undefined): boolean {
  if (model.offline) return true;
  return providers?.find((p) => p.id === model.provider)?.configured !== false;
}

export function toggleModel(state: CompareState, id: string): CompareState {
  const models = state.models.includes(id) ? state.models.filter((m) => m !== id) : [...state.models, id];
  return { ...state, models };
}

export function chosenModels(state: CompareState, all: Model[]): Model[] {
  return state.models.flatMap((id) => all.filter((m) => m.id === id));
}

/** The most images per model every chosen model allows. */
export function maxPerModel(chosen: Model[]): number {
  return Math.min(MAX_PER_MODEL, ...chosen.map((m) => m.max_images));
}

/** The sum of every chosen model's credits × images per model. */
export function compareCost(chosen: Model[], n: number): number {
  const count = Number.isInteger(n) && n > 0 ? n : 0;
  return chosen.reduce((sum, m) => sum + m.credits * count, 0);
}

/** Problems that stop a submit, first the most useful; checked before the server sees the request. */
export function compareProblems(state: CompareState, chosen: Model[]): string[] {
  const out: string[] = [];
  const chars = [...state.prompt.trim()].length;
  if (chars === 0) out.push('Write a prompt');
  if (chars > MAX_PROMPT_CHARS) out.push(`The prompt is ${chars - MAX_PROMPT_CHARS} characters over the limit`);
  if (chosen.length < MIN_MODELS) {
    out.push(chosen.length === 0 ? 'Choose 2–4 models to compare' : 'Choose at least one more model to compare');
  }
  if (chosen.length > MAX_MODELS) out.push(`Choose at most ${MAX_MODELS} models (${chosen.length} chosen)`);
  const max = maxPerModel(chosen);
  if (!Number.isInteger(state.n) || state.n < 1 || state.n > max) out.push(`Choose 1–${max} images per model`);
  const negative = state.negative.trim();
  if ([...negative].length > MAX_NEGATIVE_CHARS) out.push(`The negative prompt is over ${MAX_NEGATIVE_CHARS} characters`);
  if (negative) {
    const without = chosen.filter((m) => !m.negative_prompt).map((m) => m.name);
    if (without.length > 0) {
      out.push(`${listWords(without)} ${without.length === 1 ? "doesn't" : "don't"} take a negative prompt: clear it or choose other models`);
    }
  }
  if (state.seed.trim() !== '') {
    const seed = Number(state.seed.trim());
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) out.push(`The seed must be a whole number 0–${MAX_SEED}`);
  }
  return out;
}

export function compareRequestFrom(state: CompareState): CompareRequest {
  const req: CompareRequest = { prompt: state.prompt.trim(), models: [...state.models], n: state.n };
  if (state.negative.trim()) req.negative_prompt = state.negative.trim();
  if (state.seed.trim() !== '') req.seed = Number(state.seed.trim());
  return req;
}

/** "A", "A and B", "A, B and C". */
export function listWords(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
