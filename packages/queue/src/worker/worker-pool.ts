import type { AnyRegistry } from '@conveyor/core';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Cancellation, parseFailedReason } from '../cancellation.ts';
import { holdWhileFull } from '../hold-while-full.ts';
import { isConnectionTrouble } from '../redis-errors.ts';
import { withDeadline } from '../deadline.ts';
import { createKeyspace } from '../keyspace.ts';
import { eventLog } from '../events/event-log.ts';
import type { LifecycleEvent } from '../events/lifecycle-event.ts';
import { envelopeTenant } from '../tenancy/envelope-tenant.ts';
import { TenantLedger } from '../tenancy/tenant-ledger.ts';
import { attemptTracing } from '../tracing/trace-attempts.ts';
import { tracerRegistered } from '../tracing/tracer.ts';

import { AttemptRunner } from './attempt-runner.ts';
import { backoffStrategy } from './backoff-strategy.ts';
import { reportStall, reportStallFailure } from './stall-events.ts';
import {
  DEFAULT_LOCK_DURATION_MS,
  DEFAULT_MAX_STALLS,
  defaultStalledInterval,
} from './stall-policy.ts';
import type { WorkerPool, WorkerPoolOptions } from './worker-pool-options.ts';

type FinishedAs = 'completed' | 'failed' | 'cancelled';

/** One BullMQ Worker per queue; each job is routed by name to its processor. */
export function createWorkerPool<TRegistry extends AnyRegistry>(
  options: WorkerPoolOptions<TRegistry>,
): WorkerPool {
  const { registry, logger, redis } = options;
  const keys = options.keys ?? createKeyspace();
  const cancellation = new Cancellation(redis, keys);
  const ledger = new TenantLedger(redis, keys, registry.queues);
  // Decided once: untraced, jobs run through the plain callback and observers.
  const tracing =
    (options.tracing ?? tracerRegistered()) ? attemptTracing() : null;
  const runner = new AttemptRunner({
    registry,
    processors: options.processors,
    logger,
    cancellation,
    observers: [
      ...(tracing ? [tracing.observer] : []),
      eventLog(logger),
      ...(options.observers ?? []),
    ],
    ...(options.gate ? { gate: options.gate } : {}),
  });
  const emit = (event: LifecycleEvent) => runner.emit(event);
  const queues = options.queues?.length ? options.queues : registry.queues;
  const lockDuration = options.lockDuration ?? DEFAULT_LOCK_DURATION_MS;
  const workers = queues.map((queue) => {
    // One parameter: BullMQ then makes no AbortController per job (the
    // runner makes the processor's signal only when it is read).
    const run = (job: Job) => runner.run(job, queue);
    const worker = new Worker(queue, tracing ? tracing.wrap(run) : run, {
      connection: redis,
      prefix: keys.bullPrefix(queue),
      concurrency: options.concurrency ?? 10,
      lockDuration,
      stalledInterval:
        options.stalledInterval ?? defaultStalledInterval(lockDuration),
      maxStalledCount: options.maxStalls ?? DEFAULT_MAX_STALLS,
      // Ladders, and a RetryLaterError's own delay, are custom kinds.
      settings: { backoffStrategy },
    });
    // Out of memory, Redis refuses every fetch: hold this worker until the
    // capacity watch sees room (it logs the episode once), then resume.
    const hold = options.capacity
      ? holdWhileFull(worker, options.capacity)
      : () => false;
    worker.on('error', (error) => {
      if (hold(error)) return;
      // An outage is logged once by the connection, not per fetch retry.
      if (isConnectionTrouble(redis, error)) return;
      logger.error({ queue, err: error.message }, 'worker error');
    });
    // After BullMQ has moved a job to completed or failed for good, it
    // leaves its tenant's unfinished set. A crash before this runs leaves an
    // entry behind, which the ledger heals when the tenant nears its quota.
    // Finishes in one turn share a flush (one promise): caught once.
    let flush: Promise<void> | undefined;
    const finish = (id: string, data: unknown, outcome: FinishedAs) => {
      const next = ledger.finish(queue, envelopeTenant(data), id, outcome);
      if (next === flush) return;
      flush = next;
      next.catch((error: unknown) =>
        logger.debug({ err: error, jobId: id }, 'ledger update failed'),
      );
    };
    worker.on('completed', (job) =>
      finish(job.id ?? '', job.data, 'completed'),
    );
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
      void reportStall(redis, keys, queue, jobId, emit);
    });
    // A lost lock means another worker may already run this job: stop ours.
    worker.on('lockRenewalFailed', (jobIds) =>
      jobIds.forEach((id) => runner.abort(id, 'lock lost')),
    );
    return worker;
  });

  const listener = cancellation.listen({
    logger,
    ...(options.cancelPollMs ? { pollMs: options.cancelPollMs } : {}),
    activeJobs: () =>
      [...runner.active].map(([jobId, { queue }]) => ({ queue, jobId })),
    cancel: ({ queue, jobId, reason }) => runner.cancel(queue, jobId, reason),
  });

  return {
    workers,
    async ready() {
      await Promise.all(workers.map((w) => w.waitUntilReady()));
    },
    async close(graceMs = Infinity) {
      listener.close();
      const graceful = Promise.all(workers.map((w) => w.close()));
      if (!Number.isFinite(graceMs)) {
        await graceful;
        return [];
      }
      // BullMQ cannot force a close already under way (close(true) would await
      // the graceful one), so on timeout the caller simply exits: the jobs'
      // locks lapse and the stalled-job check re-queues them elsewhere.
      try {
        await withDeadline(graceful, graceMs);
        return [];
      } catch {
        return [...runner.active.keys()];
      }
    },
  };
}
