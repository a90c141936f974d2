import type { AnyRegistry } from '@conveyor/jobs';
import { UnrecoverableError, Worker } from 'bullmq';
import { Cancellation, parseFailedReason } from '../cancellation.ts';
import { withDeadline } from '../deadline.ts';
import { createKeyspace } from '../keyspace.ts';
import { AttemptRunner } from './attempt-runner.ts';
import type { WorkerPool, WorkerPoolOptions } from './worker-pool-options.ts';

/** One BullMQ Worker per queue; each job is routed by name to its processor. */
export function createWorkerPool<TRegistry extends AnyRegistry>(
  options: WorkerPoolOptions<TRegistry>,
): WorkerPool {
  const { registry, logger, redis } = options;
  const keys = options.keys ?? createKeyspace();
  const cancellation = new Cancellation(redis, keys);
  const runner = new AttemptRunner({
    registry,
    processors: options.processors,
    logger,
    cancellation,
    hooks: options.hooks ?? [],
  });
  const queues = options.queues?.length ? options.queues : registry.queues;
  const workers = queues.map((queue) => {
    const worker = new Worker(
      queue,
      (job, _token, signal) =>
        runner.run(job, queue, signal ?? new AbortController().signal),
      {
        connection: redis,
        prefix: keys.prefix,
        concurrency: options.concurrency ?? 10,
        ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
        ...(options.stalledInterval || options.lockDuration
          ? { stalledInterval: options.stalledInterval ?? options.lockDuration }
          : {}),
      },
    );
    worker.on('error', (error) =>
      logger.error({ queue, err: error.message }, 'worker error'),
    );
    worker.on('failed', (job, error) => {
      if (!job || parseFailedReason(error.message).cancelled) return;
      const final =
        error instanceof UnrecoverableError ||
        job.attemptsMade >= (job.opts.attempts ?? 1);
      logger[final ? 'error' : 'warn'](
        {
          jobId: job.id,
          job: job.name,
          attempt: job.attemptsMade,
          err: error.message,
        },
        final ? 'job failed for good' : 'job attempt failed; will retry',
      );
    });
    // A lost lock means another worker may already run this job: stop ours.
    worker.on('lockRenewalFailed', (jobIds) =>
      jobIds.forEach((id) => worker.cancelJob(id, 'lock lost')),
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
