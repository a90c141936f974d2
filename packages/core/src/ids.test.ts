import { describe, expect, it } from 'vitest';
import { StreamIdSchema } from './ids.ts';

describe('StreamIdSchema', () => {
  it('takes <ms>-<seq> and refuses what `${number}-${number}` lets through', () => {
    expect(StreamIdSchema.safeParse('1700000000000-0').success).toBe(true);
    for (const bad of [
      'nope',
      '1.5-2',
      '-1-2',
      '1e3-0',
      '1-',
      `1-${'9'.repeat(50)}`,
    ])
      expect(StreamIdSchema.safeParse(bad).success, bad).toBe(false);
  });
});
