import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobRun } from '../events/job-run.ts';
import {
  lifecycleEventId,
  type LifecycleEvent,
} from '../events/lifecycle-event.ts';
import type { Keyspace } from '../keyspace.ts';
import { envelopeTenant } from '../tenancy/envelope-tenant.ts';
import { isStallLimitFailure } from './stall-policy.ts';

type Emit = (event: LifecycleEvent) => void | Promise<void>;

/**
 * `job.stalled`, from whichever worker's check found the job (its own
 * worker died): the job's tenant and name are read from Redis. Each stall
 * is its own event (the id carries the time).
 */
// eslint-disable-next-line max-params -- 5 params: reportStall an options object is a follow-up
export async function reportStall(
  redis: Redis,
  keys: Keyspace,
  queue: string,
  jobId: string,
  emit: Emit,
): Promise<void> {
  const [data, name] = await redis
    .hmget(keys.bull(queue, jobId), 'data', 'name')
    .catch(() => [null, null]);
  let envelope: unknown;
  try {
    envelope = JSON.parse(data ?? 'null');
  } catch {
    // An unreadable job is reported under the default tenant.
  }
  const run = jobRun(envelope);
  await emit({
    type: 'job.stalled',
    id: `${lifecycleEventId(jobId, run, 0, 'job.stalled')}:${Date.now()}`,
    at: Date.now(),
    tenantId: envelopeTenant(envelope),
    queue,
    jobId,
    name: name ?? '',
    run,
    attempt: 0,
    attempts: 0,
  });
}

/**
 * A job BullMQ failed for stalling too often never reaches a processor (it
 * is failed as it is fetched), so the attempt runner reports nothing: its
 * `job.failed` and `job.dead-lettered` come from here.
 */
export async function reportStallFailure(
  job: Job,
  queue: string,
  error: Error,
  emit: Emit,
): Promise<boolean> {
  if (!isStallLimitFailure(error)) return false;
  const run = jobRun(job.data);
  const attempt = job.attemptsMade + 1;
  for (const type of ['job.failed', 'job.dead-lettered'] as const)
    await emit({
      type,
      id: lifecycleEventId(job.id ?? '', run, attempt, type),
      at: Date.now(),
      tenantId: envelopeTenant(job.data),
      queue,
      jobId: job.id ?? '',
      name: job.name,
      run,
      attempt,
      attempts: job.opts.attempts ?? 1,
      error: error.message,
    });
  return true;
}
