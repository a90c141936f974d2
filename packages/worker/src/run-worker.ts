import type { AnyRegistry } from '@conveyor/core';
import { createLogger, startService, startTracing } from '@conveyor/ops';
import {
  type JobObserver,
  type Logger,
  type ProcessorMap,
} from '@conveyor/queue';
import { checkWorkerQueues } from './check-worker-queues.ts';
import { WorkerEnvSchema, type WorkerEnv } from './env.ts';
import { runDaemon } from './run-daemon.ts';
import type { WorkerHandle } from './worker-handle.ts';

const SERVICE_NAME = 'conveyor-worker';

export interface RunWorkerOptions<TRegistry extends AnyRegistry> {
  /** The app's jobs: one BullMQ Worker per queue they use (or per WORKER_QUEUES). */
  registry: TRegistry;
  /** One processor per job of the registry. */
  processors: ProcessorMap<TRegistry>;
  /**
   * The parsed settings (an app that extends `WorkerEnvSchema` passes its
   * own). Else `process.env` is read with `WorkerEnvSchema`: a bad variable
   * prints one readable message and exits 1.
   */
  env?: WorkerEnv;
  /** Default: pino JSON on stdout at LOG_LEVEL, as `conveyor-worker`. */
  logger?: Logger;
  /** Told around every attempt and of every event, after the built-in webhooks, metrics and history. */
  observers?: readonly JobObserver[];
  /** SIGTERM/SIGINT shut down and exit 0 (default); `false` leaves them to the host. */
  signals?: boolean;
}

/**
 * An app's worker in one call: reads the settings, starts tracing when an
 * OTLP endpoint is set, and runs the registry's processors with health,
 * metrics, history and webhooks until a signal or `close()`. Resolves once
 * every queue takes jobs.
 */
export async function runWorker<TRegistry extends AnyRegistry>(
  options: RunWorkerOptions<TRegistry>,
): Promise<WorkerHandle> {
  const { env, logger } =
    options.env === undefined
      ? startService(SERVICE_NAME, WorkerEnvSchema)
      : { env: options.env, logger: undefined };
  const log =
    options.logger ?? logger ?? createLogger(SERVICE_NAME, env.LOG_LEVEL);
  if (options.signals !== false) {
    // Owning the process, a misnamed queue is a bad variable like any other:
    // one readable message and exit 1 (with `signals: false` the host gets
    // the error from runDaemon instead).
    try {
      checkWorkerQueues(env.WORKER_QUEUES, options.registry);
    } catch (error) {
      console.error((error as Error).message);
      process.exit(1);
    }
  }
  // Before the pool is made: it asks once whether an SDK is registered.
  const tracing = await startTracing({ serviceName: SERVICE_NAME });
  if (tracing.enabled) log.info('tracing on: spans exported by OTLP');
  return runDaemon({
    env,
    registry: options.registry,
    processors: options.processors,
    logger: log,
    observers: options.observers,
    signals: options.signals,
    // After the pool has closed: the spans of jobs that ended in the grace
    // period are exported too.
    afterClose: () => tracing.shutdown(),
  });
}
