import type { AnyRegistry } from '@conveyor/jobs';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createWorkerPool } from './create-workers.ts';
import type { WorkerEnv } from './env.ts';
import type { ProcessorMap } from './processor.ts';

export interface DaemonOptions<TRegistry extends AnyRegistry> {
  env: WorkerEnv;
  registry: TRegistry;
  processors: ProcessorMap<TRegistry>;
  logger: Logger;
}

/**
 * Runs the worker pool until SIGTERM/SIGINT, then shuts down in BullMQ's
 * order: stop taking jobs, let active ones finish within the grace period,
 * close connections, exit 0. A second SIGINT exits at once (jobs left to
 * stalled-job recovery).
 */
export async function runDaemon<TRegistry extends AnyRegistry>(
  options: DaemonOptions<TRegistry>,
): Promise<void> {
  const { env, logger } = options;
  // Workers block on Redis: they must wait for it forever, never give up on a command.
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on('error', (error: Error) =>
    logger.debug({ err: error.message }, 'redis connection error'),
  );

  const pool = createWorkerPool({
    registry: options.registry,
    processors: options.processors,
    redis: connection,
    logger,
    prefix: env.CONVEYOR_PREFIX,
    concurrency: env.WORKER_CONCURRENCY,
    queues: env.WORKER_QUEUES,
    lockDuration: env.WORKER_LOCK_DURATION_MS,
  });

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      // Ctrl-C in a terminal signals the whole process group, so a supervisor
      // (yarn start) may relay a SIGTERM on top: only a second SIGINT, a
      // person pressing Ctrl-C again, cuts the grace period short.
      if (signal !== 'SIGINT') return;
      logger.warn(
        'second Ctrl-C: exiting now; active jobs are left to stalled-job recovery',
      );
      process.exit(1);
    }
    stopping = true;
    logger.info(
      { signal, graceMs: env.WORKER_SHUTDOWN_GRACE_MS },
      'shutting down: no new jobs, finishing active ones',
    );
    const leftOver = await pool.close(env.WORKER_SHUTDOWN_GRACE_MS);
    if (leftOver.length > 0) {
      logger.warn(
        { jobIds: leftOver },
        'grace period over: these jobs are left to stalled-job recovery and will run again',
      );
    }
    connection.disconnect();
    logger.info('worker stopped');
    // pino writes synchronously to stdout by default, so nothing is lost here.
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled rejection'),
  );
  process.on('uncaughtException', (error) =>
    logger.error({ err: error }, 'uncaught exception'),
  );

  await pool.ready();
  logger.info(
    {
      queues: pool.workers.map((w) => w.name),
      concurrency: env.WORKER_CONCURRENCY,
    },
    'Conveyor worker ready',
  );
}
