import { z } from 'zod';
import { defineJob } from '@conveyor/core';
import { QUEUES } from './queues.ts';

/** One SMS to one phone. 1600 characters is the carriers' concatenated-SMS ceiling. */
export const smsSend = defineJob({
  name: 'sms.send',
  queue: QUEUES.sms,
  input: z.strictObject({
    to: z.e164({
      error: 'Phone number must be in E.164 format, e.g. +14155550123',
    }),
    message: z.string().min(1).max(1_600),
    alertId: z.string().min(1).max(200).optional(),
  }),
  result: z.strictObject({ providerMessageId: z.string() }),
  // Phones are urgent and providers flap: retry more, and sooner.
  defaults: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
  },
});
