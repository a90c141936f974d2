import type { AnyRegistry } from '@conveyor/core';
import type { Worker } from 'bullmq';
import { Cancellation } from '../cancellation.ts';
import { withDeadline } from '../deadline.ts';
import { createKeyspace } from '../keyspace.ts';
import { eventLog } from '../events/event-log.ts';
import { TenantLedger } from '../tenancy/tenant-ledger.ts';
import { attemptTracing } from '../tracing/trace-attempts.ts';
import { tracerRegistered } from '../tracing/tracer.ts';

import { applyQueueSettings, startQueueFlows } from '../flow/queue-flow.ts';
import { AttemptRunner } from './attempt-runner.ts';
import { createQueueWorker, type QueueWorkerDeps } from './queue-worker.ts';
import { VersionGate } from './version-gate.ts';
import { DEFAULT_LOCK_DURATION_MS } from './stall-policy.ts';
import type { WorkerPool, WorkerPoolOptions } from './worker-pool-options.ts';

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
  const runner = createRunner(options, cancellation, tracing);
  const queues = options.queues?.length ? options.queues : registry.queues;
  const lockDuration = options.lockDuration ?? DEFAULT_LOCK_DURATION_MS;
  const flows = startQueueFlows(queues, {
    ...options,
    keys,
    concurrency: options.concurrency ?? 10,
    lockDuration,
  });
  const observers = options.observers ?? [];
  const versions = new VersionGate({ ...options, keys, observers });
  const deps: QueueWorkerDeps = {
    options,
    keys,
    runner,
    ledger,
    tracing,
    lockDuration,
    flow: (queue) => flows.get(queue) ?? null,
    versions,
  };
  const workers = queues.map((queue) => createQueueWorker(queue, deps));
  const settings = applyQueueSettings(redis, keys, registry, queues);
  settings.catch((error: unknown) =>
    logger.error({ err: error }, 'queue settings not applied'),
  );

  const listener = cancellation.listen({
    logger,
    ...(options.cancelPollMs ? { pollMs: options.cancelPollMs } : {}),
    activeJobs: () =>
      [...runner.active].map(([jobId, { queue }]) => ({ queue, jobId })),
    cancel: ({ queue, jobId, reason }) => runner.cancel(queue, jobId, reason),
  });

  return {
    workers,
    activeAttempts: () => runner.active.size,
    async ready() {
      await Promise.all(workers.map((w) => w.waitUntilReady()));
      await settings;
    },
    async close(graceMs = Infinity) {
      listener.close();
      for (const flow of flows.values()) flow.dispatcher.close();
      versions.close();
      return await closeWorkers(workers, graceMs, () => [
        ...runner.active.keys(),
      ]);
    },
  };
}

function createRunner<TRegistry extends AnyRegistry>(
  options: WorkerPoolOptions<TRegistry>,
  cancellation: Cancellation,
  tracing: ReturnType<typeof attemptTracing> | null,
): AttemptRunner<TRegistry> {
  const { registry, logger } = options;
  return new AttemptRunner({
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
}

/** The workers closed within `graceMs`: the ids of the jobs still running then. */
async function closeWorkers(
  workers: readonly Worker[],
  graceMs: number,
  stillActive: () => string[],
): Promise<string[]> {
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
    return stillActive();
  }
}
