import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { formatAttempt } from '../attempt-history.ts';
import { jobRun } from '../events/job-run.ts';
import { envelopeTenant } from '../tenancy/envelope-tenant.ts';
import type { AttemptInfo } from './job-observer.ts';

/** The attempt BullMQ hands over, as observers and events know it. */
export function attemptInfo(job: Job, queue: string): AttemptInfo {
  const info: AttemptInfo = {
    jobId: job.id ?? '',
    tenantId: envelopeTenant(job.data),
    name: job.name,
    queue,
    run: jobRun(job.data),
    attempt: job.attemptsMade + 1,
    attempts: job.opts.attempts ?? 1,
    startedAt: Date.now(),
  };
  // opts.delay, not delay: BullMQ zeroes the latter when the job comes due.
  if (info.attempt === 1 && info.run === 0)
    info.readyAt = job.timestamp + (job.opts.delay ?? 0);
  return info;
}

/** History is best effort: a failure to write it must not change the job's outcome. */
export async function recordAttempt(
  job: Job,
  info: AttemptInfo,
  error: string | null,
) {
  const row = formatAttempt({
    attempt: info.attempt,
    startedAt: new Date(info.startedAt).toISOString(),
    at: new Date().toISOString(),
    error,
  });
  await job.log(row).catch(() => undefined);
}

/** A child logger per job costs more than a no-op job: make it on first use. */
export function lazyLogger(logger: Logger, info: AttemptInfo): () => Logger {
  let child: Logger | undefined;
  return () =>
    (child ??= logger.child({
      jobId: info.jobId,
      job: info.name,
      attempt: info.attempt,
    }));
}
