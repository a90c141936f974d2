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

  it('gives up on data, integrity, limit and syntax errors (the batch’s own fault)', () => {
    for (const code of [
      '21000',
      '22021',
      '22P02',
      '22P05',
      '23505',
      '54000',
      '42804',
      '42703',
    ])
      expect(isTransientError(Object.assign(new Error('x'), { code }))).toBe(
        false,
      );
  });
});
