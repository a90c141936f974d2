import { z } from 'zod';

/**
 * Job ids are UUIDs issued by the producer, or, for a job a schedule fired,
 * `repeat:{scheduleId}:{tick ms}` (BullMQ's scheduler names them). Anything
 * else a caller sends (`meta`, `events`, `stalled-check`: the names of
 * BullMQ's own keys) is no job of ours, and reads answer NOT_FOUND without
 * touching Redis.
 */
const JOB_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/**
 * Schedule ids: `c.{job}.{key}` for a contract's, `t.{tenant}.{name}` for a
 * tenant's. Neither part of a tenant's may hold a dot, so the id parses back.
 */
const SCHEDULE_ID =
  /^(?:c\.(?:[a-z][a-z0-9.-]*|[A-Z][A-Z0-9_]*)|t\.[a-z0-9][a-z0-9_-]{0,62})\.[a-z0-9][a-z0-9-]{0,62}$/;
/** A contract schedule's id: `c.{job}.{key}`. */
export const CONTRACT_SCHEDULE_ID =
  /^c\.(?:[a-z][a-z0-9.-]*|[A-Z][A-Z0-9_]*)\.[a-z0-9][a-z0-9-]{0,62}$/;
const SCHEDULED_JOB_ID = /^repeat:([^:]+):(\d{1,16})$/;

export function isJobId(id: string): boolean {
  if (JOB_ID.test(id)) return true;
  const scheduled = SCHEDULED_JOB_ID.exec(id);
  return scheduled !== null && SCHEDULE_ID.test(scheduled[1] ?? '');
}

export function isScheduleId(id: string): boolean {
  return SCHEDULE_ID.test(id);
}

/** The schedule that fired a job, and the tick it fired for; null for other jobs. */
export function scheduledTick(
  jobId: string,
): { scheduleId: string; tickAt: number } | null {
  const match = SCHEDULED_JOB_ID.exec(jobId);
  if (!match || !SCHEDULE_ID.test(match[1] ?? '')) return null;
  return { scheduleId: match[1] ?? '', tickAt: Number(match[2]) };
}

export function contractScheduleId(jobName: string, key: string): string {
  return `c.${jobName}.${key}`;
}

export function tenantScheduleId(tenant: string, name: string): string {
  return `t.${tenant}.${name}`;
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

/**
 * A Redis stream entry id, `<ms>-<seq>`: what a watch resumes after
 * (`lastEventId`). The type refuses ids of another shape where a caller
 * writes one; `${number}` still lets `1.5-2` through, which the schema
 * refuses.
 */
export type StreamId = `${number}-${number}`;

/**
 * Digits only, and bounded: real ids are about 15 characters, and an
 * unbounded one reached Redis and came back as a 500. Typed StreamId by
 * hand: the regex is what makes the string one, which Zod cannot infer.
 */
export const StreamIdSchema = z
  .string()
  .max(40)
  .regex(
    /^\d+-\d+$/,
    'A stream id is <ms>-<seq>, e.g. 1700000000000-0',
  ) as z.ZodType<string> as z.ZodType<StreamId, StreamId>;
