import { describe, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from './define-job.ts';

describe('durability in the contract (types)', () => {
  it('takes a replica count and an optional wait, nothing else', () => {
    const input = z.strictObject({ entry: z.string() });
    defineJob({ name: 'a', queue: 'q', input, durability: { replicas: 1 } });
    defineJob({
      name: 'b',
      queue: 'q',
      input,
      durability: { replicas: 2, timeoutMs: 2_000 },
    });
    defineJob({
      name: 'c',
      queue: 'q',
      input,
      // @ts-expect-error -- the count is a number, not a word
      durability: { replicas: 'all' },
    });
    defineJob({
      name: 'd',
      queue: 'q',
      input,
      // @ts-expect-error -- a wait without a count says nothing
      durability: { timeoutMs: 10 },
    });
    defineJob({
      name: 'e',
      queue: 'q',
      input,
      // @ts-expect-error -- no such setting (WAITAOF is not offered)
      durability: { replicas: 1, fsync: true },
    });
  });
});
