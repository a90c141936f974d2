import { z } from 'zod';

/**
 * The metrics settings both services read (spread into their env schemas):
 * `METRICS_TOKEN` guards `/metrics` (empty = unset: open), and
 * `METRICS_TENANT_LABELS=true` adds a `tenant` label, one series per tenant.
 */
export const MetricsEnvShape = {
  METRICS_TOKEN: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .string()
      .min(16, 'use at least 16 random characters')
      .max(200)
      .regex(/^[A-Za-z0-9._~+/=-]+$/, 'use URL-safe characters')
      .optional(),
  ),
  METRICS_TENANT_LABELS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
};
