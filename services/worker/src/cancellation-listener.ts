import {
  conveyorKeys,
  parseCancelMessage,
  type CancelMessage,
} from '@conveyor/jobs';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface CancellationListenerOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** The jobs this process runs now. */
  activeJobs: () => { queue: string; jobId: string }[];
  /** Aborts one of them; returns false when it is not running here. */
  cancel: (message: CancelMessage) => boolean;
  pollMs?: number;
}

/**
 * Delivers cross-process cancel requests (see `requestCancellation`) to the
 * jobs running in this process: at once via pub/sub, and by polling the
 * request keys of active jobs, which catches messages missed while the
 * subscriber was reconnecting. The poll costs one MGET per interval, and
 * nothing when the process is idle.
 */
export function listenForCancellations(options: CancellationListenerOptions): {
  close(): Promise<void>;
} {
  const { redis, prefix, logger } = options;
  const subscriber = redis.duplicate();
  subscriber.on('error', (error: Error) =>
    logger.debug({ err: error.message }, 'cancel subscriber error'),
  );
  subscriber.on('message', (_channel: string, raw: string) => {
    const message = parseCancelMessage(raw);
    if (message) options.cancel(message);
  });
  void subscriber
    .subscribe(conveyorKeys.cancelChannel(prefix))
    .catch((error: unknown) =>
      logger.warn(
        { err: error },
        'could not subscribe to cancel requests; polling only',
      ),
    );

  const poll = async () => {
    const jobs = options.activeJobs();
    if (jobs.length === 0) return;
    const reasons = await redis.mget(
      jobs.map((j) => conveyorKeys.cancelRequest(prefix, j.queue, j.jobId)),
    );
    reasons.forEach((reason, i) => {
      const job = jobs[i];
      if (reason !== null && job) options.cancel({ ...job, reason });
    });
  };
  const timer = setInterval(() => {
    poll().catch((error: unknown) =>
      logger.debug({ err: error }, 'cancel poll failed'),
    );
  }, options.pollMs ?? 1_000);
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      subscriber.disconnect();
      await Promise.resolve();
    },
  };
}
