import { z } from 'zod';
import { defineJob } from '@conveyor/core';
import { QUEUES } from './queues.ts';

/** A job that does nothing but log: proves the pipeline end to end. */
export const testJob = defineJob({
  name: 'TEST_JOB',
  queue: QUEUES.default,
  input: z.strictObject({
    message: z.string().min(1).max(10_000),
  }),
  result: z.strictObject({ echoed: z.string() }),
});
