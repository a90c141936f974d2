import { DEFAULT_TENANT, TenantIdSchema } from '@conveyor/core';
import {
  commaList,
  MetricsEnvShape,
  readEnv,
  SharedEnvSchema,
} from '@conveyor/ops';
import { z } from 'zod';
import { DEFAULT_HTTP_OPTIONS, type HttpOptions } from './http/http-options.ts';
import { HistoryEnvShape } from '@conveyor/history';

/** The API's settings. The only file that reads `process.env`; `.env.example` documents each. */
export const ApiEnvSchema = SharedEnvSchema.extend({
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  API_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(64 * 1_024 * 1_024)
    .default(DEFAULT_HTTP_OPTIONS.maxBodyBytes),
  API_MAX_BATCH_CALLS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(DEFAULT_HTTP_OPTIONS.maxBatchCalls),
  API_CORS_ORIGINS: commaList(
    z.string().refine((o) => URL.canParse(o) && new URL(o).origin === o, {
      message: 'each origin must be scheme://host[:port], no path',
    }),
  ),
  // --- tokens and tenants (see docs/security.md) ---
  /** The bootstrap admin's token. Without it the API is open (local admin) and only listens on loopback. */
  CONVEYOR_ADMIN_TOKEN: z
    .string()
    .min(32, 'use at least 32 random characters')
    .max(200)
    .regex(/^[A-Za-z0-9._~+/=-]+$/, 'use URL-safe characters')
    .optional(),
  /** The bootstrap admin's own tenant: unlimited unless limits are set for it. */
  CONVEYOR_ADMIN_TENANT: TenantIdSchema.default(DEFAULT_TENANT),
  /** Failed tokens or sign-ins one client address may make per window before it gets 429s (docs/security.md). */
  AUTH_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(10),
  AUTH_FAILURE_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(24 * 60 * 60 * 1_000)
    .default(60_000),
  /** Replicated acknowledgements (README, "Durability"): replicas that must confirm each enqueue; 0 = off. */
  REDIS_ACK_REPLICAS: z.coerce.number().int().min(0).max(16).default(0),
  /** How long an enqueue waits for them before answering 503 outcome-unknown. */
  REDIS_ACK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(1_000),
  /** Default limits of every other tenant (per-tenant overrides: `tenants.setLimits`). */
  TENANT_MAX_UNFINISHED: z.coerce.number().int().min(0).default(50),
  TENANT_RATE_PER_SECOND: z.coerce.number().positive().default(100),
  TENANT_BURST: z.coerce.number().int().min(1).default(1_000),
  /** Webhook URLs may resolve to loopback and private addresses (docs/webhooks.md): off, against SSRF. */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  TENANT_MAX_SCHEDULES: z.coerce.number().int().min(0).default(20),
  // --- the dashboard at /admin (docs: README, "Dashboard") ---
  DASHBOARD_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Nothing on the board changes a job or a queue. */
  DASHBOARD_READ_ONLY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Signs session cookies; replicas sharing it share sessions. Default: derived from CONVEYOR_ADMIN_TOKEN. */
  DASHBOARD_SESSION_SECRET: z.string().min(32).optional(),
  DASHBOARD_SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(480),
  /** Mark the session cookie Secure: set it when the API is served over https. */
  DASHBOARD_SECURE_COOKIE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** `/metrics`: METRICS_TOKEN guards it, METRICS_TENANT_LABELS adds tenants. */
  ...MetricsEnvShape,
  /** Job history in PostgreSQL: DATABASE_URL, HISTORY (and retention, used by workers). */
  ...HistoryEnvShape,
  /** history.search and bulk previews: PostgreSQL's statement_timeout for each, ms. */
  HISTORY_SEARCH_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(5_000),
});

export type ApiEnv = z.infer<typeof ApiEnvSchema>;

/** Throws a readable message (never a stack) naming each bad variable. */
export function readApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  return readEnv(ApiEnvSchema, source);
}

/** The HTTP server's bounds as configured (`createApiServer({ http })`). */
export function httpOptionsFromEnv(env: ApiEnv): Partial<HttpOptions> {
  return {
    maxBodyBytes: env.API_MAX_BODY_BYTES,
    maxBatchCalls: env.API_MAX_BATCH_CALLS,
    corsOrigins: env.API_CORS_ORIGINS,
  };
}

/** Whether job history is on, and if not, why (for the start-up line). */
export function historySetting(
  env: Pick<ApiEnv, 'HISTORY' | 'DATABASE_URL'>,
): { on: true; databaseUrl: string } | { on: false; why: string } {
  if (env.HISTORY === 'off') return { on: false, why: 'HISTORY=off' };
  if (!env.DATABASE_URL) return { on: false, why: 'no DATABASE_URL' };
  return { on: true, databaseUrl: env.DATABASE_URL };
}
