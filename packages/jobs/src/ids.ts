import { z } from 'zod';

/**
 * Job ids are UUIDs issued by the producer. Anything else a caller sends
 * (`meta`, `events`, `stalled-check`: the names of BullMQ's own keys) is no
 * job of ours, and reads answer NOT_FOUND without touching Redis.
 */
const JOB_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isJobId(id: string): boolean {
  return JOB_ID.test(id);
}

/** The tenant of jobs enqueued without tenancy (local development, older jobs). */
export const DEFAULT_TENANT = 'default';

/** Tenant ids appear in Redis keys: a short, key-safe slug. */
export const TenantIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'A tenant id is 1–63 lowercase letters, digits, - or _',
  );
