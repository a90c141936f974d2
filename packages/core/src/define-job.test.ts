import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from './define-job.ts';

const input = z.strictObject({});

describe('defineJob queue names', () => {
  it('takes an app’s own queue names', () => {
    for (const queue of ['default', 'reports', 'ai_calls', 'feed-sync'])
      expect(defineJob({ name: 'x.run', queue, input }).queue).toBe(queue);
  });

  it('refuses, at load and naming the job, a queue name Redis keys cannot carry', () => {
    for (const queue of [
      '',
      'a:b',
      '{tag}',
      'with space',
      '9lives',
      'q'.repeat(65),
    ])
      expect(() => defineJob({ name: 'x.run', queue, input })).toThrow(
        /Job "x\.run": invalid queue name/,
      );
  });
});
