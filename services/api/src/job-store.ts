import {
  conveyorKeys,
  decodeEnvelope,
  type AnyRegistry,
  type QueueName,
} from '@conveyor/jobs';
import type { Job, JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  cleanReason,
  decodeOptional,
  toJobState,
  type JobView,
} from './job-view.ts';

/** A cancelled waiting/delayed job is removed from BullMQ; this snapshot keeps it visible and retryable. */
export interface CancelledSnapshot {
  name: string;
  data: string;
  opts: string;
  timestamp: string;
  attemptsMade: string;
  cancelledAt: string;
  reason: string;
}

/** Kept as long as failed jobs are (PLATFORM_JOB_DEFAULTS.removeOnFail.age). */
export const CANCELLED_SNAPSHOT_TTL_S = 7 * 24 * 60 * 60;

export type Found =
  | { kind: 'job'; queue: QueueName; job: Job; bullState: string }
  | {
      kind: 'cancelled';
      queue: QueueName;
      id: string;
      snapshot: CancelledSnapshot;
    };

/**
 * Reads jobs wherever they are: any queue of the registry, in BullMQ or as a
 * cancelled snapshot, and turns them into `JobView`s.
 */
export class JobStore<TRegistry extends AnyRegistry> {
  constructor(
    readonly registry: TRegistry,
    readonly redis: Redis,
    readonly prefix: string,
    readonly queue: (name: QueueName) => Queue,
  ) {}

  /** Looks in every queue at once (ids are UUIDs, unique across queues). */
  async find(
    id: string,
    queues: readonly QueueName[] = this.registry.queues,
  ): Promise<Found | null> {
    const reads = await Promise.all(queues.map((q) => this.read(q, id)));
    const index = reads.findIndex((read) => read !== null);
    const read = reads[index];
    const queue = queues[index];
    if (read && queue) return { kind: 'job', queue, ...read };
    const snapshots = await Promise.all(
      queues.map((q) =>
        this.redis.hgetall(conveyorKeys.cancelledJob(this.prefix, q, id)),
      ),
    );
    const at = snapshots.findIndex((s) => Object.keys(s).length > 0);
    const snapshot = snapshots[at];
    const snapshotQueue = queues[at];
    if (snapshot && snapshotQueue) {
      return {
        kind: 'cancelled',
        queue: snapshotQueue,
        id,
        snapshot: snapshot as unknown as CancelledSnapshot,
      };
    }
    return null;
  }

  /**
   * The job and its state, consistent with each other: read separately, a
   * job finishing in between would show `completed` with no result. The
   * state is read first, so the job is at least as new; if they disagree on
   * whether it finished, read both again.
   */
  private async read(
    queue: QueueName,
    id: string,
  ): Promise<{ job: Job; bullState: string } | null> {
    const bull = this.queue(queue);
    for (let attempt = 0; ; attempt += 1) {
      const replies = await this.redis
        .multi()
        .zscore(bull.toKey('completed'), id)
        .zscore(bull.toKey('failed'), id)
        .zscore(bull.toKey('delayed'), id)
        .lpos(bull.toKey('active'), id)
        .exec();
      const [completed, failed, delayed, active] = (replies ?? []).map(
        ([, value]) => value,
      );
      const bullState =
        completed !== null
          ? 'completed'
          : failed !== null
            ? 'failed'
            : delayed !== null
              ? 'delayed'
              : active !== null
                ? 'active'
                : 'waiting';
      const job = await bull.getJob(id);
      if (!job) return null;
      const finished = bullState === 'completed' || bullState === 'failed';
      if (finished === (job.finishedOn !== undefined) || attempt >= 2)
        return { job, bullState };
    }
  }

  view(found: Found): JobView<TRegistry> {
    if (found.kind === 'cancelled') {
      const { snapshot } = found;
      const opts = JSON.parse(snapshot.opts) as JobsOptions;
      return {
        id: found.id,
        name: snapshot.name,
        queue: found.queue,
        state: 'cancelled',
        data: decodeEnvelope(JSON.parse(snapshot.data)).payload,
        progress: null,
        result: null,
        failedReason: snapshot.reason,
        attemptsMade: Number(snapshot.attemptsMade),
        attempts: opts.attempts ?? 1,
        createdAt: new Date(Number(snapshot.timestamp)),
        startedAt: null,
        finishedAt: new Date(Number(snapshot.cancelledAt)),
      } as JobView<TRegistry>;
    }
    const { job, queue, bullState } = found;
    let data: unknown;
    try {
      data = decodeEnvelope(job.data).payload;
    } catch {
      data = null; // planted or corrupted data: show the job, not a 500
    }
    return {
      id: job.id ?? '',
      name: job.name,
      queue,
      state: toJobState(bullState, job.failedReason),
      data,
      progress: decodeOptional(job.progress),
      result: decodeOptional(job.returnvalue),
      failedReason: cleanReason(job.failedReason),
      attemptsMade: job.attemptsMade,
      attempts: job.opts.attempts ?? 1,
      createdAt: new Date(job.timestamp),
      startedAt: job.processedOn ? new Date(job.processedOn) : null,
      finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    } as JobView<TRegistry>;
  }
}
