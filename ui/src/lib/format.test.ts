import { describe, expect, it } from 'vitest';
import { formatDuration } from './format';

describe('formatDuration', () => {
  it('reads milliseconds, seconds and minutes without a "60 s"', () => {
    expect(formatDuration(38)).toBe('38 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(59_970)).toBe('1 min 0 s');
    expect(formatDuration(3_599_700)).toBe('60 min 0 s');
    expect(formatDuration(125_400)).toBe('2 min 5 s');
  });
});
