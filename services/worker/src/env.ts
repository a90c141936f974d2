import { commaList } from '@conveyor/ops';
import { WorkerEnvSchema } from '@conveyor/worker';
import { z } from 'zod';

/**
 * The example worker's settings: the runtime's (`WorkerEnvSchema`) and what
 * its own processors read. `.env.example` documents each.
 */
export const ExampleWorkerEnvSchema = WorkerEnvSchema.extend({
  /** What `feed.sync` of `configured` feeds fetches (its contract schedule): none by default. */
  FEED_URLS: commaList(z.url({ protocol: /^https?$/ })),
  /** `feed.sync` may fetch from loopback and private addresses: off, against SSRF. */
  FEED_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** How long the local content generator takes per section. */
  CONTENT_STEP_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
});
