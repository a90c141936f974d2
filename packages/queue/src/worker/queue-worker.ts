import type { AnyRegistry } from '@conveyor/core';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { parseFailedReason } from '../cancellation.ts';
import type { LifecycleEvent } from '../events/lifecycle-event.ts';
import { holdWhileFull } from '../hold-while-full.ts';
import type { Keyspace } from '../keyspace.ts';
import { isConnectionTrouble } from '../redis-errors.ts';
import { envelopeTenant } from '../tenancy/envelope-tenant.ts';
import type { TenantLedger } from '../tenancy/tenant-ledger.ts';
import type { AttemptTracing } from '../tracing/trace-attempts.ts';
import type { AttemptRunner } from './attempt-runner.ts';
import { backoffStrategy } from './backoff-strategy.ts';
import { armDelayedAlarm } from './delayed-alarm.ts';
import { reportStall, reportStallFailure } from './stall-events.ts';
import { DEFAULT_MAX_STALLS, defaultStalledInterval } from './stall-policy.ts';
import type { QueueFlow } from '../flow/queue-flow.ts';
import type { VersionGate } from './version-gate.ts';
import type { WorkerPoolOptions } from './worker-pool-options.ts';

type FinishedAs = 'completed' | 'failed' | 'cancelled';

/** The pool's settings a queue's worker reads. */
type QueueWorkerOptions = Pick<
  WorkerPoolOptions<AnyRegistry>,
  | 'redis'
  | 'logger'
  | 'concurrency'
  | 'stalledInterval'
  | 'maxStalls'
  | 'capacity'
>;

/** What every queue's worker of a pool shares. */
export interface QueueWorkerDeps {
  options: QueueWorkerOptions;
  keys: Keyspace;
  runner: Pick<AttemptRunner<AnyRegistry>, 'run' | 'emit' | 'abort'>;
  /** The queue's flow control (gate and dispatcher), or null when none of its jobs has a flow spec. */
  flow(queue: string): QueueFlow | null;
  /** Hands back jobs written with an input version this worker does not know. */
  versions: VersionGate;
  ledger: TenantLedger;
  tracing: AttemptTracing | null;
  lockDuration: number;
}

/** One queue's BullMQ Worker, wired to the runner, the ledger and the stall reports. */
export function createQueueWorker(
  queue: string,
  deps: QueueWorkerDeps,
): Worker {
  const { options, keys, runner, tracing, lockDuration } = deps;
  const flow = deps.flow(queue);
  // At most two parameters: BullMQ then makes no AbortController per job
  // (the runner makes the processor's signal only when it is read).
  const attempt = (job: Job) => runner.run(job, queue);
  const gated = flow
    ? (job: Job, token?: string) =>
        flow.gate.concerns(job)
          ? flow.gate.run(job, token, () => attempt(job))
          : attempt(job)
    : attempt;
  // Before the flow gate: a job this worker cannot read takes no slot.
  const { versions } = deps;
  const run = (job: Job, token?: string) =>
    versions.concerns(job)
      ? versions.handBack(job, queue, token)
      : gated(job, token);
  const worker = new Worker(queue, tracing ? tracing.wrap(run) : run, {
    connection: options.redis,
    prefix: keys.bullPrefix(queue),
    concurrency: options.concurrency ?? 10,
    lockDuration,
    stalledInterval:
      options.stalledInterval ?? defaultStalledInterval(lockDuration),
    maxStalledCount: options.maxStalls ?? DEFAULT_MAX_STALLS,
    // Ladders, and a RetryLaterError's own delay, are custom kinds.
    settings: { backoffStrategy },
  });
  logErrors(worker, queue, options);
  armDelayedAlarm(worker, options.redis);
  const emit = (event: LifecycleEvent) => runner.emit(event);
  const finish = ledgerFinish(queue, deps);
  worker.on('completed', (job) => finish(job.id ?? '', job.data, 'completed'));
  // A job's end leaves room in the wait list for the dispatch to fill.
  if (flow) worker.on('completed', () => flow.dispatcher.nudge());
  worker.on('failed', (job, error) => {
    if (!job) return;
    const cancelled = parseFailedReason(error.message).cancelled;
    const final =
      cancelled ||
      error instanceof UnrecoverableError ||
      job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final)
      finish(job.id ?? '', job.data, cancelled ? 'cancelled' : 'failed');
    void reportStallFailure(job, queue, error, emit);
  });
  // Reported by whichever worker's check found it; the job runs again.
  worker.on('stalled', (jobId) => {
    void reportStall(options.redis, keys, queue, jobId, emit);
  });
  // A lost lock means another worker may already run this job: stop ours.
  worker.on('lockRenewalFailed', (jobIds) =>
    jobIds.forEach((id) => runner.abort(id, 'lock lost')),
  );
  return worker;
}

function logErrors(
  worker: Worker,
  queue: string,
  { capacity, redis, logger }: QueueWorkerOptions,
): void {
  // Out of memory, Redis refuses every fetch: hold this worker until the
  // capacity watch sees room (it logs the episode once), then resume.
  const hold = capacity ? holdWhileFull(worker, capacity) : () => false;
  worker.on('error', (error) => {
    if (hold(error)) return;
    // An outage is logged once by the connection, not per fetch retry.
    if (isConnectionTrouble(redis, error)) return;
    logger.error({ queue, err: error.message }, 'worker error');
  });
}

/**
 * After BullMQ has moved a job to completed or failed for good, it leaves
 * its tenant's unfinished set. A crash before this runs leaves an entry
 * behind, which the ledger heals when the tenant nears its quota. Finishes
 * in one turn share a flush (one promise): caught once.
 */
function ledgerFinish(queue: string, { ledger, options }: QueueWorkerDeps) {
  let flush: Promise<void> | undefined;
  return (id: string, data: unknown, outcome: FinishedAs) => {
    const next = ledger.finish(queue, envelopeTenant(data), id, outcome);
    if (next === flush) return;
    flush = next;
    next.catch((error: unknown) =>
      options.logger.debug({ err: error, jobId: id }, 'ledger update failed'),
    );
  };
}
