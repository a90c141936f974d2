import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../define-job.ts';

const input = z.strictObject({
  to: z.string(),
  cents: z.number(),
  at: z.date(),
});
const result = z.strictObject({ sentAt: z.date() });

describe('defineJob({ searchIndexes })', () => {
  it('keeps the number and date fields a job asks history to index for ranges', () => {
    const job = defineJob({
      name: 'idx.job',
      queue: 'idx',
      input,
      result,
      searchIndexes: ['data.cents', 'result.sentAt', 'data.cents'],
    });
    expect(job.searchIndexes).toEqual([
      { path: 'data.cents', kind: 'number' },
      { path: 'result.sentAt', kind: 'date' },
    ]);
    expect(
      defineJob({ name: 'idx.none', queue: 'idx', input }).searchIndexes,
    ).toEqual([]);
  });

  it('refuses, at load, a field that is not a number or date of the job', () => {
    for (const path of ['data.to', 'data.nope', 'result.at'])
      expect(() =>
        defineJob({
          name: 'idx.bad',
          queue: 'idx',
          input,
          result,
          searchIndexes: [path as 'data.cents'],
        }),
      ).toThrow(
        `Job "idx.bad": searchIndexes: ${path} is not a number or date field of its input or result`,
      );
  });
});
