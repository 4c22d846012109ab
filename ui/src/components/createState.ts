// The create form's state, its defaults per model and the request it builds.

import type { CatalogueOutput, GenerationParams, GenerationRequest, Model, RetiredModel, SizePreset } from '../api/types';
import { formatCredits } from '../lib/format';

export const MAX_PROMPT_CHARS = 3500;
export const MAX_NEGATIVE_CHARS = 1000;
export const MAX_SEED = 4294967295;

export type FormState = {
  prompt: string;
  negative: string;
  model: string;
  n: number;
  width: number;
  height: number;
  /** Text of the seed field; empty means random. */
  seed: string;
  steps: number | null;
  cfg: number | null;
  quality: string;
  style: string;
  /** Seconds of video, for a video model. */
  duration: number | null;
  remixOf: string | null;
  /** The library image an image-to-video model animates. */
  sourceImage: string | null;
};

export function sizePresets(model: Model): SizePreset[] {
  return model.sizes.kind === 'fixed' ? model.sizes.sizes : model.sizes.presets;
}

export function initialState(model: Model | undefined, prev?: Partial<FormState>): FormState {
  return {
    prompt: prev?.prompt ?? '',
    negative: prev?.negative ?? '',
    model: model?.id ?? '',
    n: Math.min(prev?.n ?? 1, model?.max_images ?? 1),
    width: model?.default_size.width ?? 1024,
    height: model?.default_size.height ?? 1024,
    seed: prev?.seed ?? '',
    steps: model?.steps?.default ?? null,
    cfg: model?.cfg?.default ?? null,
    quality: '',
    style: '',
    duration: model?.video?.default_duration ?? null,
    remixOf: prev?.remixOf ?? null,
    sourceImage: prev?.sourceImage ?? null,
  };
}

/** Whether a model animates an image: `required` ones only do that. */
export function animates(model: Model | undefined): boolean {
  return !!model?.video && model.video.source_image !== 'none';
}

/** The model an image is animated with by default: the first that must animate one, else any that may. */
export function animateModel(catalogue: CatalogueOutput): Model | undefined {
  return (
    catalogue.models.find((m) => m.video?.source_image === 'required') ?? catalogue.models.find((m) => animates(m))
  );
}

/** The form set up to animate a library image: its prompt as a start, on an image-to-video model. */
export function stateToAnimate(model: Model, imageId: string, prompt: string): FormState {
  const s = initialState(model);
  s.prompt = prompt;
  s.sourceImage = imageId;
  return s;
}

/** Switching models keeps the prompt and what still applies, and resets the rest to the new model's defaults. */
export function switchModel(state: FormState, model: Model): FormState {
  const next = initialState(model, state);
  const keepSize = sizePresets(model).some((p) => p.width === state.width && p.height === state.height)
    || (model.sizes.kind === 'range' && sizeProblem(model, state.width, state.height) === null);
  if (keepSize) {
    next.width = state.width;
    next.height = state.height;
  }
  if (model.qualities.includes(state.quality)) next.quality = state.quality;
  if (model.styles.includes(state.style)) next.style = state.style;
  if (state.duration !== null && model.video?.durations.includes(state.duration)) next.duration = state.duration;
  return next;
}

/** Prefills the form from a stored generation (remix). */
export function stateFromParams(
  model: Model,
  params: GenerationParams,
  seed: number | undefined,
  remixOf: string | null,
): FormState {
  const s = initialState(model);
  s.prompt = params.prompt;
  // A record made at a size this model does not offer (another model's, say) keeps the model's default.
  const fixedElsewhere =
    model.sizes.kind === 'fixed' && !model.sizes.sizes.some((p) => p.width === params.width && p.height === params.height);
  if (!fixedElsewhere) {
    s.width = params.width;
    s.height = params.height;
  }
  if (model.negative_prompt && params.negative_prompt) s.negative = params.negative_prompt;
  if (model.seed && seed !== undefined) s.seed = String(seed);
  if (model.steps && params.steps !== undefined) s.steps = params.steps;
  if (model.cfg && params.cfg !== undefined) s.cfg = params.cfg;
  if (params.quality && model.qualities.includes(params.quality)) s.quality = params.quality;
  if (params.style && model.styles.includes(params.style)) s.style = params.style;
  if (params.duration !== undefined && model.video?.durations.includes(params.duration)) s.duration = params.duration;
  s.remixOf = remixOf;
  return s;
}

/** Prefills the form from a ready request (an imported record, mapped onto `model` by the server). */
export function stateFromRequest(model: Model, req: GenerationRequest): FormState {
  const s = stateFromParams(
    model,
    {
      prompt: req.prompt,
      model: model.id,
      width: req.width ?? model.default_size.width,
      height: req.height ?? model.default_size.height,
      ...(req.negative_prompt !== undefined ? { negative_prompt: req.negative_prompt } : {}),
      ...(req.steps !== undefined ? { steps: req.steps } : {}),
      ...(req.cfg !== undefined ? { cfg: req.cfg } : {}),
      ...(req.quality !== undefined ? { quality: req.quality } : {}),
      ...(req.style !== undefined ? { style: req.style } : {}),
      ...(req.duration !== undefined ? { duration: req.duration } : {}),
    },
    req.seed,
    req.remix_of ?? null,
  );
  if (req.n !== undefined) s.n = Math.max(1, Math.min(req.n, model.max_images));
  return s;
}

export function sizeProblem(model: Model, width: number, height: number): string | null {
  const rule = model.sizes;
  if (rule.kind === 'fixed') {
    return rule.sizes.some((s) => s.width === width && s.height === height)
      ? null
      : `${model.name} does not support ${width}×${height}`;
  }
  for (const [name, v] of [['Width', width], ['Height', height]] as const) {
    if (!Number.isInteger(v) || v < rule.min || v > rule.max || v % rule.multiple_of !== 0) {
      return `${name} must be ${rule.min}–${rule.max} and a multiple of ${rule.multiple_of}`;
    }
  }
  return null;
}

/** Problems that stop a submit, checked before the server sees the request. */
export function formProblems(state: FormState, model: Model | undefined): string[] {
  const out: string[] = [];
  if (!model) return ['Choose a model'];
  const chars = [...state.prompt.trim()].length;
  if (chars === 0) out.push('Write a prompt');
  if (chars > MAX_PROMPT_CHARS) out.push(`The prompt is ${chars - MAX_PROMPT_CHARS} characters over the limit`);
  if (model.negative_prompt && [...state.negative.trim()].length > MAX_NEGATIVE_CHARS) {
    out.push(`The negative prompt is over ${MAX_NEGATIVE_CHARS} characters`);
  }
  if (!Number.isInteger(state.n) || state.n < 1 || state.n > model.max_images) {
    out.push(`Choose 1–${model.max_images} images`);
  }
  const size = sizeProblem(model, state.width, state.height);
  if (size) out.push(size);
  if (model.seed && state.seed.trim() !== '') {
    const seed = Number(state.seed.trim());
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) out.push(`The seed must be a whole number 0–${MAX_SEED}`);
  }
  if (model.video?.source_image === 'required' && !state.sourceImage) {
    out.push(`${model.name} animates an image: open one in your library and choose Animate`);
  }
  if (state.sourceImage && !animates(model)) {
    out.push(`${model.name} does not animate images: choose an image-to-video model, or stop animating`);
  }
  return out;
}

export function requestFrom(state: FormState, model: Model): GenerationRequest {
  const req: GenerationRequest = {
    prompt: state.prompt.trim(),
    model: model.id,
    n: state.n,
    width: state.width,
    height: state.height,
  };
  if (model.negative_prompt && state.negative.trim()) req.negative_prompt = state.negative.trim();
  if (model.seed && state.seed.trim() !== '') req.seed = Number(state.seed.trim());
  if (model.steps && state.steps !== null) req.steps = state.steps;
  if (model.cfg && state.cfg !== null) req.cfg = state.cfg;
  if (model.qualities.length > 0 && state.quality) req.quality = state.quality;
  if (model.styles.length > 0 && state.style) req.style = state.style;
  if (model.video && state.duration !== null) req.duration = state.duration;
  if (state.remixOf) req.remix_of = state.remixOf;
  if (animates(model) && state.sourceImage) req.source_image = state.sourceImage;
  return req;
}

/**
 * Credits per image: the server's price table where a model's price follows quality and size (no
 * quality chosen is its first, the provider's default), else its flat price.
 */
export function creditsPerImage(model: Model, quality: string, width: number, height: number): number {
  const asked = quality || model.qualities[0];
  const entry = model.prices.find((p) => p.quality === asked && p.width === width && p.height === height);
  return entry ? entry.credits : model.credits;
}

/**
 * "2 credits / image", or "1–24 credits / image" when the price follows quality and size; a video
 * model's "5 + 2 credits / s".
 */
export function priceWords(model: Model): string {
  if (model.video) {
    // A clip is priced by its length: its base plus each second.
    const perSecond = model.video.credits_per_second;
    if (model.credits === 0 && perSecond === 0) return 'Free';
    return perSecond === 0 ? `${formatCredits(model.credits)} / clip` : `${model.credits} + ${perSecond} credits / s`;
  }
  if (model.credits === 0 && model.prices.length === 0) return 'Free';
  const all = model.prices.map((p) => p.credits);
  if (all.length === 0) return `${formatCredits(model.credits)} / image`;
  const low = Math.min(...all);
  const high = Math.max(...all);
  return low === high ? `${formatCredits(low)} / image` : `${low}–${formatCredits(high)} / image`;
}

export function costOf(
  model: Model | undefined,
  state: Pick<FormState, 'n' | 'quality' | 'width' | 'height'> & Partial<Pick<FormState, 'duration'>>,
): number {
  if (!model) return 0;
  // A clip costs its base plus each second of it.
  const seconds = state.duration ?? model.video?.default_duration ?? 0;
  const perSecond = model.video ? model.video.credits_per_second * seconds : 0;
  return (creditsPerImage(model, state.quality, state.width, state.height) + perSecond) * state.n;
}

export function randomSeed(): number {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return a[0] ?? 0;
}

/**
 * The model a record is made again with: its own, or, when its provider retired it, the catalogue's
 * named replacement together with the retirement (which the form must show: never a silent swap).
 */
export function remixTarget(
  catalogue: CatalogueOutput,
  recordModel: string,
): { model: Model; retired?: RetiredModel } | undefined {
  const own = catalogue.models.find((m) => m.id === recordModel);
  if (own) return { model: own };
  const retired = catalogue.retired.find((r) => r.id === recordModel);
  const replacement = retired && catalogue.models.find((m) => m.id === retired.replaced_by);
  return replacement && retired ? { model: replacement, retired } : undefined;
}
