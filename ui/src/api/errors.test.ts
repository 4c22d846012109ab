import { describe, expect, it } from 'vitest';
import { describeError, errorWords, jobFailureWords, refundWords } from './errors';
import { ApiError } from './client';
import { job } from '../test/fixtures';

describe('error words', () => {
  it('maps codes to plain words', () => {
    expect(errorWords('moderated')).toBe("Blocked by the provider's safety filter");
    expect(errorWords('timeout')).toBe('The provider took too long to answer');
    expect(errorWords('provider_error')).toMatch(/provider had a problem/);
    expect(errorWords('insufficient_credits')).toBe('Not enough credits');
    expect(errorWords('something_new')).toBe('Something went wrong');
    expect(errorWords(undefined)).toBe('Something went wrong');
  });

  it('says why a job failed', () => {
    expect(jobFailureWords(job({ state: 'running' }))).toBeNull();
    expect(jobFailureWords(job({ state: 'moderated' }))).toBe("Blocked by the provider's safety filter");
    expect(jobFailureWords(job({ state: 'cancelled' }))).toBe('Cancelled');
    expect(jobFailureWords(job({ state: 'failed', error: { code: 'timeout', message: 'after 120 s' } }))).toBe(
      'The provider took too long to answer',
    );
    expect(jobFailureWords(job({ state: 'failed' }))).toBe('The generation failed');
  });

  it('shows refunds only when credits went back', () => {
    expect(refundWords(job({ state: 'failed', refunded: true, cost: 6 }))).toBe('6 credits refunded');
    expect(refundWords(job({ state: 'failed', refunded: true, cost: 1 }))).toBe('1 credit refunded');
    expect(refundWords(job({ state: 'failed', refunded: true, cost: 0 }))).toBeNull();
    expect(refundWords(job({ state: 'failed', refunded: false, cost: 6 }))).toBeNull();
  });

  it('describes API errors with a headline and the server message', () => {
    expect(describeError(new ApiError('invalid_size', 'width must be a multiple of 8', 400))).toEqual({
      title: 'That size is not supported',
      detail: 'Width must be a multiple of 8',
    });
  });
});
