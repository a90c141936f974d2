import { describe, expect, it } from 'vitest';
import { isTransientError } from './is-transient-error.ts';

describe('isTransientError', () => {
  it('waits out connection trouble, shutdowns, deadlocks and unknown errors', () => {
    for (const code of [
      'ECONNREFUSED',
      '57P01',
      '08006',
      '40P01',
      '42P01',
      undefined,
    ])
      expect(isTransientError(Object.assign(new Error('x'), { code }))).toBe(
        true,
      );
    expect(isTransientError('string')).toBe(true);
  });

  it('gives up on data and integrity errors (the batch’s own fault)', () => {
    for (const code of ['22021', '22P02', '23505'])
      expect(isTransientError(Object.assign(new Error('x'), { code }))).toBe(
        false,
      );
  });
});
