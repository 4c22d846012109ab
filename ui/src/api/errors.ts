// Plain words for error codes and failed jobs.

import type { Job } from './types';
import { ApiError } from './client';

const WORDS: Record<string, string> = {
  invalid_body: 'The request is not in the form the server expects',
  invalid_input: 'Something in the request is not valid',
  invalid_prompt: 'Check the prompt',
  unknown_model: 'That model does not exist',
  model_unavailable: "This model isn't available right now",
  invalid_size: 'That size is not supported',
  invalid_count: 'That number of images is not supported',
  invalid_parameter: 'A setting is out of range',
  unsupported_parameter: "This model doesn't support that setting",
  insufficient_credits: 'Not enough credits',
  credits_owed: 'Credits are owed from a refunded purchase',
  premium_locked: 'This image is in a premium collection you have not unlocked',
  not_found: 'Not found',
  forbidden: "You don't have access to this",
  unauthenticated: 'Sign in to do this',
  conflict: 'This changed in the meantime; try again',
  payload_too_large: 'That is too large to send',
  unsupported_media_type: 'The request was not sent as JSON',
  image_too_large: 'That image has too many pixels for this server',
  rate_limited: 'Too many attempts; wait a little and try again',
  sign_in_failed: 'Sign-in did not work',
  unavailable: 'This is unavailable right now',
  unknown_operation: 'The server does not know this operation (is it up to date?)',
  provider_error: 'The provider had a problem generating this image',
  provider_rejected: 'The provider rejected the request',
  moderated: "Blocked by the provider's safety filter",
  timeout: 'The provider took too long to answer',
  cancelled: 'Cancelled',
  internal: 'Something went wrong on our side',
  network_error: 'Could not reach the server',
  bad_response: 'The server sent an unexpected answer',
  http_error: 'The server answered with an error',
};

/** A short headline for an error code. */
export function errorWords(code: string | undefined): string {
  if (!code) return 'Something went wrong';
  return WORDS[code] ?? 'Something went wrong';
}

/** Headline and detail for any thrown value. */
export function describeError(err: unknown): { title: string; detail: string } {
  if (err instanceof ApiError) {
    const title = errorWords(err.code);
    const detail = err.message && err.message !== err.code ? capitalise(err.message) : '';
    return { title, detail: detail === title ? '' : detail };
  }
  if (err instanceof globalThis.Error) return { title: 'Something went wrong', detail: err.message };
  return { title: 'Something went wrong', detail: '' };
}

/** Why a job did not produce an image, in plain words; null while it can still succeed. */
export function jobFailureWords(job: Job): string | null {
  switch (job.state) {
    case 'queued':
    case 'running':
    case 'succeeded':
      return null;
    case 'cancelled':
      return 'Cancelled';
    case 'moderated':
      return WORDS.moderated ?? null;
    case 'failed':
      return job.error ? errorWords(job.error.code) : 'The generation failed';
  }
}

/** "3 credits refunded" when the job's reservation went back; null otherwise. */
export function refundWords(job: Job): string | null {
  if (!job.refunded || job.cost <= 0) return null;
  return refundedWords(job.cost);
}

/** "1 credit refunded", "12 credits refunded". */
export function refundedWords(credits: number): string {
  return `${credits.toLocaleString('en-US')} ${credits === 1 ? 'credit' : 'credits'} refunded`;
}

/** The credits that went back for these jobs (a model's share of a comparison, say). */
export function refundedCredits(jobs: Job[]): number {
  return jobs.reduce((sum, j) => sum + (j.refunded && j.cost > 0 ? j.cost : 0), 0);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
