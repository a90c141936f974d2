import { z } from 'zod';
import { defineJob } from '@conveyor/core';
import { QUEUES } from './queues.ts';

/**
 * Writes a piece (post, newsletter, report) on a topic from the tenant's
 * synced feed items: a model call per section, so minutes in production.
 * It has a queue of its own so those minutes never hold the slots of short
 * jobs.
 */
export const contentGenerate = defineJob({
  name: 'content.generate',
  queue: QUEUES.generation,
  input: z.strictObject({
    topic: z.string().trim().min(1).max(500),
    format: z.enum(['post', 'newsletter', 'report']),
    sections: z.number().int().min(1).max(12).default(4),
  }),
  progress: z.strictObject({
    percent: z.number().min(0).max(100),
    stage: z.enum(['gathering', 'generating', 'rendering', 'done']),
  }),
  result: z.strictObject({
    title: z.string(),
    markdown: z.string().max(200_000),
    words: z.number().int().nonnegative(),
    sections: z.number().int().positive(),
    /** Feed items the piece drew on. */
    sources: z.number().int().nonnegative(),
  }),
  // Generators fail in bursts (rate limits, overloaded models): wait longer
  // each time rather than hammer them, and give up after about 20 minutes.
  defaults: {
    attempts: 4,
    backoff: { type: 'ladder', delays: ['1m', '5m', '15m'] },
    timeoutMs: 10 * 60 * 1_000,
  },
});
