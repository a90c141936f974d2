import type { Job, JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keyspace } from './keyspace.ts';
import { nextRun } from './events/job-run.ts';

/**
 * Cancellation, written and read here only. A cancelled job is recorded in
 * one of two forms, depending on where it was:
 *
 * - **waiting or delayed**: removed from BullMQ after a snapshot of it is
 *   stored (`cv:cancelled:{id}`), and a `cancelled` event is appended to the
 *   queue's stream for watchers. The snapshot keeps it visible and retryable.
 * - **active**: it may run in any worker process, and BullMQ's `cancelJob`
 *   only reaches its own, so a request travels twice: a pub/sub message
 *   (immediate) and a key that workers poll for their active jobs (covers a
 *   subscriber that was reconnecting). The worker aborts the processor's
 *   signal and fails the job unrecoverably with a reason that
 *   `parseFailedReason` recognises as a cancellation.
 */

/** How long a cancel request for an active job waits to be seen by its worker. */
export const CANCEL_REQUEST_TTL_MS = 60 * 60 * 1_000;
/** Snapshots are kept as long as failed jobs (PLATFORM_JOB_DEFAULTS.removeOnFail.age). */
export const CANCELLED_SNAPSHOT_TTL_S = 7 * 24 * 60 * 60;
const CANCELLED_REASON_PREFIX = '[cancelled] ';
const MAX_STREAM_EVENTS = 10_000;

export interface CancelRequest {
  queue: string;
  jobId: string;
  reason: string;
}

/** What is kept of a waiting/delayed job removed by a cancel. */
export interface CancelledSnapshot {
  name: string;
  /** The job's stored data (a Conveyor envelope), as JSON. */
  data: string;
  opts: JobsOptions;
  createdAt: number;
  attemptsMade: number;
  cancelledAt: number;
  reason: string;
}

/** The failure reason a worker gives a job it cancelled. */
export function cancelledFailureReason(reason: string): string {
  return `${CANCELLED_REASON_PREFIX}${reason}`;
}

/** Reads a BullMQ failure reason: a cancellation, or a real failure. */
export function parseFailedReason(failedReason: string): {
  cancelled: boolean;
  reason: string;
} {
  return failedReason.startsWith(CANCELLED_REASON_PREFIX)
    ? {
        cancelled: true,
        reason: failedReason.slice(CANCELLED_REASON_PREFIX.length),
      }
    : { cancelled: false, reason: failedReason };
}

export class Cancellation {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
  ) {}

  /**
   * Cancels a waiting or delayed job: snapshot, remove, announce. Returns
   * false (and leaves nothing behind) when the job became active meanwhile.
   */
  async removeQueued(
    job: Job,
    queue: string,
    reason: string,
  ): Promise<boolean> {
    const id = job.id ?? '';
    const key = this.keys.cancelledJob(queue, id);
    // Snapshot first: if the removal fails the snapshot is dropped again;
    // the reverse order could lose the job on a crash in between.
    await this.redis
      .multi()
      .hset(key, {
        name: job.name,
        data: JSON.stringify(job.data),
        opts: JSON.stringify(job.opts),
        timestamp: String(job.timestamp),
        attemptsMade: String(job.attemptsMade),
        cancelledAt: String(Date.now()),
        reason,
      })
      .expire(key, CANCELLED_SNAPSHOT_TTL_S)
      .exec();
    try {
      await job.remove();
    } catch {
      await this.redis.del(key); // locked: it is active now
      return false;
    }
    await this.redis.xadd(
      this.keys.events(queue),
      'MAXLEN',
      '~',
      MAX_STREAM_EVENTS,
      '*',
      'event',
      'cancelled',
      'jobId',
      id,
      'reason',
      reason,
    );
    return true;
  }

  /** The snapshot of a cancelled waiting/delayed job, in the first queue that has one. */
  async findSnapshot(
    queues: readonly string[],
    id: string,
  ): Promise<{ queue: string; snapshot: CancelledSnapshot } | null> {
    const found = await Promise.all(
      queues.map((q) => this.redis.hgetall(this.keys.cancelledJob(q, id))),
    );
    const at = found.findIndex((hash) => Object.keys(hash).length > 0);
    const hash = found[at];
    const queue = queues[at];
    if (!hash || queue === undefined) return null;
    return {
      queue,
      snapshot: {
        name: hash.name ?? '',
        data: hash.data ?? 'null',
        opts: JSON.parse(hash.opts ?? '{}') as JobsOptions,
        createdAt: Number(hash.timestamp),
        attemptsMade: Number(hash.attemptsMade),
        cancelledAt: Number(hash.cancelledAt),
        reason: hash.reason ?? '',
      },
    };
  }

  /** Whether Conveyor removed this job by a cancel (so a `removed` event is not the end). */
  async hasSnapshot(queue: string, id: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.cancelledJob(queue, id))) === 1;
  }

  /** Puts a cancelled waiting/delayed job back under its own id, to run now. */
  async restore(bull: Queue, id: string, snapshot: CancelledSnapshot) {
    const { delay: _delay, ...opts } = snapshot.opts;
    await bull.add(snapshot.name, nextRun(JSON.parse(snapshot.data)), {
      ...opts,
      jobId: id,
    });
    await this.redis.del(this.keys.cancelledJob(bull.name, id));
  }

  /** Asks whichever worker process runs an active job to abort it. */
  async requestActive(request: CancelRequest): Promise<void> {
    await this.redis
      .multi()
      .set(
        this.keys.cancelRequest(request.queue, request.jobId),
        request.reason,
        'PX',
        CANCEL_REQUEST_TTL_MS,
      )
      .publish(this.keys.cancelChannel(), JSON.stringify(request))
      .exec();
  }

  /** The worker has acted on a request: it need not be polled any more. */
  async acknowledge(queue: string, jobId: string): Promise<void> {
    await this.redis.del(this.keys.cancelRequest(queue, jobId));
  }

  /**
   * Delivers cancel requests to the jobs running in this process: at once via
   * pub/sub, and by polling the request keys of active jobs (one GET per active
   * job per interval, nothing when idle).
   */
  listen(options: CancellationListenerOptions): { close(): void } {
    const { logger } = options;
    const subscriber = this.redis.duplicate();
    subscriber.on('error', (error: Error) =>
      logger.debug({ err: error.message }, 'cancel subscriber error'),
    );
    subscriber.on('message', (_channel: string, raw: string) => {
      const request = parseCancelRequest(raw);
      if (request) options.cancel(request);
    });
    subscriber
      .subscribe(this.keys.cancelChannel())
      .catch((error: unknown) =>
        logger.warn(
          { err: error },
          'cannot subscribe to cancels; polling only',
        ),
      );
    const poll = async () => {
      const jobs = options.activeJobs();
      if (jobs.length === 0) return;
      // One GET per job: an MGET across queues would span Cluster slots.
      const reasons = await Promise.all(
        jobs.map((j) =>
          this.redis.get(this.keys.cancelRequest(j.queue, j.jobId)),
        ),
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
      close() {
        clearInterval(timer);
        subscriber.disconnect();
      },
    };
  }
}

export interface CancellationListenerOptions {
  logger: Logger;
  /** The jobs this process runs now. */
  activeJobs: () => { queue: string; jobId: string }[];
  /** Aborts one of them (a no-op when it is not running here). */
  cancel: (request: CancelRequest) => void;
  pollMs?: number;
}

function parseCancelRequest(raw: string): CancelRequest | null {
  try {
    const value = JSON.parse(raw) as Partial<CancelRequest>;
    return typeof value.queue === 'string' &&
      typeof value.jobId === 'string' &&
      typeof value.reason === 'string'
      ? { queue: value.queue, jobId: value.jobId, reason: value.reason }
      : null;
  } catch {
    return null;
  }
}
