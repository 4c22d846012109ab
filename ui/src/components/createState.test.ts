import { describe, expect, it } from 'vitest';
import {
  animateModel,
  costOf,
  formProblems,
  initialState,
  priceWords,
  remixTarget,
  requestFrom,
  stateFromParams,
  stateToAnimate,
  switchModel,
} from './createState';
import { catalogue, gen4Turbo, gptImage, sd, sketch } from '../test/fixtures';
import { modelName } from '../lib/format';

describe('remixing a record', () => {
  it('uses the record’s own model while the catalogue offers it', () => {
    expect(remixTarget(catalogue, 'local-sketch')).toEqual({ model: sketch });
  });

  it('runs a retired model’s record on its named replacement, and says so', () => {
    const target = remixTarget(catalogue, 'dall-e-3');
    expect(target?.model.id).toBe('gpt-image-2');
    expect(target?.retired?.note).toMatch(/retired DALL·E 3/);
  });

  it('has nothing for an id that is neither offered nor retired', () => {
    expect(remixTarget(catalogue, 'no-such-model')).toBeUndefined();
  });

  it('keeps the prompt and falls back to the default size the new model offers', () => {
    const state = stateFromParams(
      gptImage,
      { prompt: 'a wide harbour', model: 'dall-e-3', width: 1792, height: 1024, quality: 'hd' },
      undefined,
      'img_1',
    );
    expect(state).toMatchObject({ prompt: 'a wide harbour', model: 'gpt-image-2', width: 1024, height: 1024, quality: '', remixOf: 'img_1' });
  });
});

describe('naming a record’s model', () => {
  it('says when a record’s model was retired', () => {
    expect(modelName(catalogue, 'gpt-image-2')).toBe('GPT Image 2');
    expect(modelName(catalogue, 'dall-e-3')).toBe('DALL·E 3 (retired 2026-05)');
    expect(modelName(catalogue, 'mystery')).toBe('mystery');
  });
});

describe('the price shown before submitting', () => {
  it('follows quality and size where the server prices them so', () => {
    const at = (quality: string, width: number, height: number, n = 1) =>
      costOf(gptImage, { quality, width, height, n });
    expect(at('low', 1024, 1024)).toBe(1);
    expect(at('high', 1024, 1536)).toBe(9);
    // No quality chosen: the provider's default, the first listed (auto).
    expect(at('', 1024, 1024, 3)).toBe(18);
    expect(priceWords(gptImage)).toBe('1–9 credits / image');
  });

  it('is the flat price for every other model', () => {
    expect(costOf(sd, { quality: '', width: 1536, height: 1024, n: 2 })).toBe(8);
    expect(priceWords(sd)).toBe('4 credits / image');
    expect(priceWords(sketch)).toBe('Free');
  });
});

describe('a video model', () => {
  const clip = {
    ...sketch,
    id: 'local-clip',
    name: 'Offline clip renderer',
    max_images: 1,
    credits: 2,
    video: { durations: [2, 4, 6, 8], default_duration: 4, fps: 24, credits_per_second: 1, source_image: 'none' as const },
  };

  it('asks for its default length, keeps a length it makes, and prices base plus seconds', () => {
    const state = { ...initialState(clip), prompt: 'lanterns' };
    expect(state.duration).toBe(4);
    expect(requestFrom({ ...state, duration: 6 }, clip)).toMatchObject({ model: 'local-clip', duration: 6 });
    expect(costOf(clip, { ...state, duration: 6 })).toBe(8);
    expect(switchModel({ ...state, duration: 8 }, clip).duration).toBe(8);
    expect(switchModel({ ...state, duration: 3 }, clip).duration).toBe(4);
    // An image model is never sent a length.
    expect(requestFrom({ ...state, model: sketch.id }, sketch).duration).toBeUndefined();
  });
});

describe('animating a library image', () => {
  const clip = {
    ...sketch,
    id: 'local-clip',
    name: 'Offline clip renderer',
    max_images: 1,
    video: { durations: [4], default_duration: 4, fps: 24, credits_per_second: 0, source_image: 'none' as const },
  };
  const gen4 = gen4Turbo;
  const withBoth = { ...catalogue, models: [sketch, clip, gen4] };

  it('picks the model that animates, starts from the image’s prompt and sends the image', () => {
    expect(animateModel(withBoth)?.id).toBe('runway-gen4-turbo');
    expect(animateModel({ ...catalogue, models: [sketch, clip] })).toBeUndefined();
    const state = stateToAnimate(gen4, 'img-1', 'a red kite');
    expect(formProblems(state, gen4)).toEqual([]);
    expect(requestFrom(state, gen4)).toMatchObject({ model: 'runway-gen4-turbo', source_image: 'img-1', duration: 5 });
    expect(costOf(gen4, state)).toBe(15);
    expect(priceWords(gen4)).toBe('5 + 2 credits / s');
    expect(priceWords(clip)).toBe('Free');
  });

  it('asks for an image where the model needs one, and refuses one where it does not', () => {
    const none = { ...initialState(gen4), prompt: 'a kite' };
    expect(formProblems(none, gen4)[0]).toMatch(/animates an image: open one in your library/);
    const onClip = switchModel(stateToAnimate(gen4, 'img-1', 'a kite'), clip);
    expect(onClip.sourceImage).toBe('img-1');
    expect(formProblems(onClip, clip)[0]).toMatch(/does not animate images/);
    expect(requestFrom(onClip, clip).source_image).toBeUndefined();
  });
});
