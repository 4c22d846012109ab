// API types mirrored from the Rust core (crates/pixel-core). This file is hand-written for now and
// will be overwritten by types generated from Rust (ts-rs). Import API types only from here.

export type Role = 'user' | 'admin';

export type User = {
  id: string;
  username: string;
  email?: string;
  role: Role;
  created_at: number;
};

export type Visibility = 'private' | 'public';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'moderated';

export type ErrorCode =
  | 'invalid_input'
  | 'invalid_prompt'
  | 'unknown_model'
  | 'model_unavailable'
  | 'invalid_size'
  | 'invalid_count'
  | 'invalid_parameter'
  | 'unsupported_parameter'
  | 'insufficient_credits'
  | 'not_found'
  | 'forbidden'
  | 'unauthenticated'
  | 'conflict'
  | 'unknown_operation'
  | 'provider_error'
  | 'provider_rejected'
  | 'moderated'
  | 'timeout'
  | 'cancelled'
  | 'internal';

export type Error = { code: ErrorCode; message: string };

export type GenerationParams = {
  prompt: string;
  model: string;
  width: number;
  height: number;
  negative_prompt?: string;
  steps?: number;
  cfg?: number;
  quality?: string;
  style?: string;
};

export type GenerationSet = {
  id: string;
  owner_id: string;
  params: GenerationParams;
  n: number;
  cost: number;
  remix_of?: string;
  created_at: number;
};

export type Job = {
  id: string;
  set_id: string;
  owner_id: string;
  index: number;
  state: JobState;
  provider: string;
  params: GenerationParams;
  seed: number;
  cost: number;
  attempts: number;
  max_attempts: number;
  progress: number;
  error?: Error;
  refunded: boolean;
  image_id?: string;
  remix_of?: string;
  created_at: number;
  started_at?: number;
  finished_at?: number;
};

export type Timings = {
  queued_at: number;
  started_at: number;
  finished_at: number;
  provider_ms: number;
  processing_ms: number;
};

export type GenerationRecord = {
  provider: string;
  model: string;
  provider_model?: string;
  params: GenerationParams;
  seed: number;
  cost: number;
  attempts: number;
  timings: Timings;
  provider_request_id?: string;
  revised_prompt?: string;
  remix_of?: string;
  retried_errors: Array<Error>;
  set_id: string;
  job_id: string;
  index: number;
};

export type Image = {
  id: string;
  owner_id: string;
  set_id: string;
  job_id: string;
  visibility: Visibility;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  placeholder: string;
  url: string;
  thumb_url: string;
  record: GenerationRecord;
  created_at: number;
};

export type LedgerKind = 'grant' | 'reserve' | 'capture' | 'refund';

export type LedgerEntry = {
  id: string;
  user_id: string;
  kind: LedgerKind;
  amount: number;
  balance_after: number;
  idempotency_key: string;
  job_id?: string;
  memo: string;
  created_at: number;
};

export type Event =
  | { type: 'generation.queued'; job: Job }
  | { type: 'generation.started'; job: Job }
  | { type: 'generation.progress'; job_id: string; set_id: string; progress: number; emitted_at_us: number }
  | { type: 'generation.completed'; job: Job; image: Image; emitted_at_us: number }
  | { type: 'generation.failed'; job: Job }
  | { type: 'balance.changed'; balance: number };

// Catalogue

export type Speed = 'instant' | 'fast' | 'medium' | 'slow';

export type SizePreset = { label: string; width: number; height: number };

export type SizeRule =
  | { kind: 'fixed'; sizes: Array<SizePreset> }
  | { kind: 'range'; min: number; max: number; multiple_of: number; presets: Array<SizePreset> };

export type IntRange = { min: number; max: number; default: number };

export type FloatRange = { min: number; max: number; default: number };

export type Model = {
  id: string;
  provider: string;
  name: string;
  description: string;
  offline: boolean;
  credits: number;
  speed: Speed;
  sizes: SizeRule;
  default_size: SizePreset;
  max_images: number;
  negative_prompt: boolean;
  seed: boolean;
  steps?: IntRange;
  cfg?: FloatRange;
  qualities: Array<string>;
  styles: Array<string>;
};

export type GenerationRequest = {
  prompt: string;
  model: string;
  n?: number;
  width?: number;
  height?: number;
  seed?: number;
  negative_prompt?: string;
  steps?: number;
  cfg?: number;
  quality?: string;
  style?: string;
  remix_of?: string;
};

// Operation inputs and outputs

export type CatalogueOutput = { models: Array<Model>; default_model: string };

export type ProviderStatus = { id: string; name: string; configured: boolean; offline: boolean };
export type ProvidersOutput = { providers: Array<ProviderStatus> };

export type AccountOutput = { user: User; balance: number; charging: boolean };

export type SubmitOutput = { set: GenerationSet; jobs: Array<Job>; cost: number };

export type JobRef = { job_id: string };
export type JobsQuery = { states?: Array<JobState>; limit?: number };
export type JobsOutput = { jobs: Array<Job> };

export type SetRef = { set_id: string };
export type SetDetail = { set: GenerationSet; jobs: Array<Job>; images: Array<Image> };
export type PageQuery = { before?: string; limit?: number };
export type SetsOutput = { sets: Array<GenerationSet>; next?: string };

export type ImageRef = { image_id: string };
export type ImagesQuery = {
  model?: string;
  text?: string;
  from?: number;
  to?: number;
  set_id?: string;
  before?: string;
  limit?: number;
};
export type ImagesOutput = { images: Array<Image>; next?: string };
export type DeleteImages = { image_ids: Array<string> };
export type DeleteOutput = { deleted: Array<string> };

export type LedgerQuery = { limit?: number };
export type LedgerOutput = { entries: Array<LedgerEntry>; balance: number };
