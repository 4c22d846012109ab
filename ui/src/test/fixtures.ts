import type { AccountOutput, AccountSettings, CatalogueOutput, Image, Job, Me, Model, SessionInfo } from '../api/types';

const square = { label: 'Square 1:1', width: 1024, height: 1024 };

export const sketch: Model = {
  id: 'local-sketch',
  provider: 'local',
  name: 'Offline sketch renderer',
  description: 'Built-in offline renderer.',
  offline: true,
  credits: 0,
  speed: 'instant',
  sizes: {
    kind: 'range',
    min: 256,
    max: 2048,
    multiple_of: 8,
    presets: [square, { label: 'Landscape 3:2', width: 1536, height: 1024 }],
  },
  default_size: square,
  max_images: 10,
  negative_prompt: true,
  seed: true,
  qualities: [],
  styles: [],
  prices: [],
};

/** An image-to-video model: it must be given a library image to animate. */
export const gen4Turbo: Model = {
  ...sketch,
  id: 'runway-gen4-turbo',
  provider: 'runway',
  name: 'Runway Gen-4 Turbo',
  offline: false,
  credits: 5,
  max_images: 1,
  video: { durations: [2, 5, 10], default_duration: 5, fps: 24, credits_per_second: 2, source_image: 'required' },
};

export const gptImage: Model = {
  id: 'gpt-image-2',
  provider: 'openai',
  name: 'GPT Image 2',
  description: 'OpenAI.',
  offline: false,
  credits: 6,
  speed: 'slow',
  sizes: { kind: 'fixed', sizes: [square, { label: 'Portrait 2:3', width: 1024, height: 1536 }] },
  default_size: square,
  max_images: 10,
  negative_prompt: false,
  seed: false,
  qualities: ['auto', 'high', 'medium', 'low'],
  styles: [],
  // As the server prices GPT Image 2: per quality at 1024×1024, times the area, rounded up.
  prices: [
    ['auto', 6],
    ['high', 6],
    ['medium', 2],
    ['low', 1],
  ].flatMap(([quality, credits]) => [
    { quality: String(quality), width: 1024, height: 1024, credits: Number(credits) },
    { quality: String(quality), width: 1024, height: 1536, credits: Math.ceil(Number(credits) * 1.5) },
  ]),
};

export const sd: Model = {
  id: 'sd3.5-large',
  provider: 'stability',
  name: 'SD 3.5 Large',
  description: 'Stability.',
  offline: false,
  credits: 4,
  speed: 'medium',
  sizes: { kind: 'range', min: 512, max: 1536, multiple_of: 64, presets: [square] },
  default_size: square,
  max_images: 4,
  negative_prompt: true,
  seed: true,
  steps: { min: 10, max: 50, default: 30 },
  cfg: { min: 1, max: 10, default: 4.5 },
  qualities: [],
  styles: ['photographic', 'anime'],
  prices: [],
};

export const catalogue: CatalogueOutput = {
  models: [sketch, gptImage, sd],
  default_model: 'local-sketch',
  retired: [
    {
      id: 'dall-e-3',
      provider: 'openai',
      name: 'DALL·E 3',
      retired_on: '2026-05',
      replaced_by: 'gpt-image-2',
      note: 'OpenAI retired DALL·E 3 in May 2026; new images from this record are made with GPT Image 2.',
    },
  ],
};

export function job(over: Partial<Job> = {}): Job {
  return {
    id: 'job_1',
    set_id: 'set_1',
    owner_id: 'u1',
    index: 0,
    state: 'queued',
    provider: 'local',
    params: { prompt: 'a cat', model: 'local-sketch', width: 1024, height: 1024 },
    seed: 7,
    cost: 0,
    attempts: 0,
    max_attempts: 3,
    progress: 0,
    refunded: false,
    created_at: 1000,
    ...over,
  };
}

export function image(over: Partial<Image> = {}): Image {
  return {
    id: 'img_1',
    owner_id: 'u1',
    set_id: 'set_1',
    job_id: 'job_1',
    visibility: 'private',
    mime: 'image/png',
    width: 1024,
    height: 1024,
    bytes: 1234,
    sha256: 'ab',
    thumb_sha256: 'cd',
    placeholder: 'data:image/webp;base64,AAAA',
    url: '/media/img_1',
    thumb_url: '/media/img_1/thumb',
    record: {
      provider: 'local',
      model: 'local-sketch',
      params: { prompt: 'a cat', model: 'local-sketch', width: 1024, height: 1024 },
      seed: 7,
      cost: 0,
      attempts: 1,
      timings: { queued_at: 1, started_at: 2, finished_at: 3, provider_ms: 1, processing_ms: 1 },
      retried_errors: [],
      set_id: 'set_1',
      job_id: 'job_1',
      index: 0,
    },
    created_at: 3,
    ...over,
  };
}

/** A new account's settings, as the server's `AccountSettings::default()` has them. */
export function settings(over: Partial<AccountSettings> = {}): AccountSettings {
  return {
    profile_private: false,
    default_visibility: 'private',
    notifications: {
      new_follower: true,
      like: true,
      comment: true,
      mention: true,
      generation_completed: true,
      tip_received: true,
      prompt_purchased: true,
      collection_purchased: true,
      print_ordered: true,
      achievement_unlocked: true,
      streak_milestone: true,
      payout_completed: true,
    },
    theme: 'system',
    ...over,
  };
}

export function account(over: Partial<AccountOutput> = {}): AccountOutput {
  return {
    user: { id: 'u1', username: 'ada', email: null, role: 'user', created_at: 0, admin_granted: false },
    balance: 100,
    charging: true,
    engagement: true,
    settings: settings(),
    ...over,
  };
}

/** `/api/me` of a signed-in browser session on a server with sign-in. */
export function me(over: Partial<Me> = {}): Me {
  return {
    id: 'u1',
    username: 'ada',
    email: 'ada@example.com',
    role: 'user',
    credits: 50,
    charging: true,
    settings: settings(),
    auth_mode: 'oidc',
    csrf_token: 'csrf-1',
    ...over,
  };
}

export function session(over: Partial<SessionInfo> = {}): SessionInfo {
  return {
    id: 'ses_1',
    kind: 'browser',
    label: 'browser',
    created_at: Date.UTC(2025, 0, 2, 10),
    last_used_at: Date.UTC(2025, 0, 3, 10),
    expires_at: Date.UTC(2025, 1, 2, 10),
    current: false,
    ...over,
  };
}
