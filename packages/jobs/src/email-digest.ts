import { z } from 'zod';
import { defineJob } from '@conveyor/core';
import { QUEUES } from './queues.ts';

/** A user's activity digest for one period. Dates travel as real `Date`s. */
export const emailDigest = defineJob({
  name: 'email.digest',
  queue: QUEUES.email,
  input: z
    .strictObject({
      userId: z.string().min(1).max(200),
      period: z.enum(['daily', 'weekly']),
      startDate: z.date(),
      endDate: z.date(),
    })
    .refine((d) => d.startDate.getTime() < d.endDate.getTime(), {
      message: 'startDate must be before endDate',
      path: ['endDate'],
    }),
  // How far the digest is: gathering activity, then sending.
  progress: z.strictObject({
    percent: z.number().min(0).max(100),
    stage: z.enum(['gathering', 'sending', 'done']),
  }),
  result: z.strictObject({
    messageId: z.string(),
    itemCount: z.number().int().nonnegative(),
  }),
});
