import type { AnyRegistry } from '@conveyor/core';
import { onShutdownSignal } from '@conveyor/ops';
import type { WorkerHandle } from './worker-handle.ts';
import {
  startWorkerRuntime,
  type WorkerRuntimeOptions,
} from './worker-runtime.ts';

export interface DaemonOptions<
  TRegistry extends AnyRegistry,
> extends WorkerRuntimeOptions<TRegistry> {
  /** Runs once everything is closed (flush traces); on a signal, before the process exits 0. */
  afterClose?: () => Promise<void>;
  /**
   * SIGTERM/SIGINT shut down and exit the process (default). `false` leaves
   * signals to the host, which calls `close()` itself.
   */
  signals?: boolean;
}

/**
 * Runs the worker pool until SIGTERM/SIGINT (or `close()`), then shuts down
 * in BullMQ's order: stop taking jobs, let active ones finish within the
 * grace period, close connections; on a signal, exit 0. A second SIGINT
 * exits at once (jobs left to stalled-job recovery). Resolves once ready.
 */
export async function runDaemon<TRegistry extends AnyRegistry>(
  options: DaemonOptions<TRegistry>,
): Promise<WorkerHandle> {
  const { env, logger } = options;
  const runtime = await startWorkerRuntime(options);
  let closing: Promise<void> | undefined;
  const close = (reason?: string) =>
    (closing ??= runtime.close(reason).then(async () => {
      await options.afterClose?.().catch(() => undefined);
      logger.info('worker stopped');
    }));

  if (options.signals !== false)
    onShutdownSignal(
      async (signal) => {
        await close(signal);
        // pino writes synchronously to stdout by default, so nothing is lost here.
        process.exit(0);
      },
      (signal) => {
        // Ctrl-C in a terminal signals the whole process group, so a supervisor
        // (yarn start) may relay a SIGTERM on top: only a second SIGINT, a
        // person pressing Ctrl-C again, cuts the grace period short.
        if (signal !== 'SIGINT') return;
        logger.warn(
          'second Ctrl-C: exiting now; active jobs are left to stalled-job recovery',
        );
        process.exit(1);
      },
    );

  await runtime.ready();
  logger.info(
    {
      queues: runtime.pool.workers.map((w) => w.name),
      concurrency: env.WORKER_CONCURRENCY,
      lockDurationMs: env.WORKER_LOCK_DURATION_MS,
      maxStalls: env.WORKER_MAX_STALLS,
    },
    'Conveyor worker ready',
  );
  return { close: () => close() };
}
