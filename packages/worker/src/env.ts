import { DEFAULT_LOCK_DURATION_MS, DEFAULT_MAX_STALLS } from '@conveyor/queue';
import {
  readEnv,
  SharedEnvSchema,
  commaList,
  MetricsEnvShape,
} from '@conveyor/ops';
import { z } from 'zod';
import { HistoryEnvShape } from '@conveyor/history';

/** `VAR=` (as a copied .env.example has it) means unset, not 0. */
function unsetWhenEmpty<TSchema extends z.ZodType>(schema: TSchema) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema);
}

/**
 * The worker runtime's settings; `.env.example` documents each. An app with
 * settings of its own extends this schema (`WorkerEnvSchema.extend({...})`)
 * and passes the parsed env to `runWorker`.
 */
export const WorkerEnvSchema = SharedEnvSchema.extend({
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(10),
  WORKER_SHUTDOWN_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(25_000),
  /**
   * How long a job's lock lasts between renewals (renewed every half of it).
   * With WORKER_STALLED_INTERVAL_MS (default half of this), a worker that died
   * (kill -9, or a shutdown past its grace period) has its jobs run again
   * within max(lock, interval) + interval: 15 s at the defaults.
   */
  WORKER_LOCK_DURATION_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(600_000)
    .default(DEFAULT_LOCK_DURATION_MS),
  WORKER_STALLED_INTERVAL_MS: unsetWhenEmpty(
    z.coerce.number().int().min(100).max(600_000).optional(),
  ),
  /** Recoveries from dead workers one job survives before it fails; stalls never use attempts. */
  WORKER_MAX_STALLS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(DEFAULT_MAX_STALLS),
  /** Port of /healthz and /readyz; unset = no health server (0 = any free port). */
  WORKER_HEALTH_PORT: unsetWhenEmpty(
    z.coerce.number().int().min(0).max(65_535).optional(),
  ),
  WORKER_HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  /** /readyz is 503 while the event loop lags more than this. */
  WORKER_HEALTH_MAX_LAG_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(1_000),
  /**
   * /readyz is 503 once jobs this worker could take have waited this long
   * while it took none and ran none (a blocking connection that silently
   * stopped delivering); it reconnects that connection once, and stays
   * unready if that did not help within the same time again.
   */
  WORKER_STUCK_AFTER_MS: z.coerce
    .number()
    .int()
    .min(500)
    .max(3_600_000)
    .default(60_000),
  /**
   * /readyz is 503 while a ping to Redis has waited this long unanswered: a
   * connection that stays open but delivers nothing (a partition) looks
   * ready to ioredis, and lock renewals and fetches wait on it silently.
   */
  WORKER_REDIS_DEADLINE_MS: z.coerce
    .number()
    .int()
    .min(200)
    .max(600_000)
    .default(5_000),
  /**
   * Comma-separated subset of queues to serve (all when empty): lets queues
   * scale apart. The queues are the app's, so they are checked against its
   * registry when the worker starts (`checkWorkerQueues`), not here.
   */
  WORKER_QUEUES: commaList(z.string().min(1)),
  /** Webhook deliveries may reach loopback and private addresses (docs/webhooks.md): off, against SSRF. */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Webhook deliveries in flight at once: slow receivers wait here, never in job slots. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(10),
  /** Job history in PostgreSQL: DATABASE_URL, HISTORY, HISTORY_RETENTION_DAYS. */
  ...HistoryEnvShape,
  /** `/metrics` on the health port: METRICS_TOKEN guards it, METRICS_TENANT_LABELS adds tenants. */
  ...MetricsEnvShape,
});

export type WorkerEnv = z.infer<typeof WorkerEnvSchema>;

/** Throws a readable message (never a stack) naming each bad variable. */
export function readWorkerEnv(
  source: NodeJS.ProcessEnv = process.env,
): WorkerEnv {
  return readEnv(WorkerEnvSchema, source);
}
