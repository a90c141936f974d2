import type { AnyRegistry, JobView, QueueName } from '@conveyor/jobs';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CancelledSnapshot, Cancellation } from '../cancellation.ts';
import type { Keyspace } from '../keyspace.ts';
import { toJobView } from './to-job-view.ts';

export type Found =
  | { kind: 'job'; queue: QueueName; job: Job; bullState: string }
  | {
      kind: 'cancelled';
      queue: QueueName;
      id: string;
      snapshot: CancelledSnapshot;
    };

export interface JobReaderDeps<TRegistry extends AnyRegistry> {
  registry: TRegistry;
  redis: Redis;
  keys: Keyspace;
  queue: (name: QueueName) => Queue;
  cancellation: Cancellation;
}

/**
 * Finds jobs wherever they are: any queue of the registry, in BullMQ or as a
 * cancelled snapshot. Jobs under a name the contract does not know are not
 * Conveyor's and are not found.
 */
export class JobReader<TRegistry extends AnyRegistry> {
  readonly registry: TRegistry;
  readonly redis: Redis;
  readonly keys: Keyspace;
  readonly queue: (name: QueueName) => Queue;
  readonly cancellation: Cancellation;

  constructor(deps: JobReaderDeps<TRegistry>) {
    ({
      registry: this.registry,
      redis: this.redis,
      keys: this.keys,
      queue: this.queue,
      cancellation: this.cancellation,
    } = deps);
  }

  /** Looks in every queue at once (ids are UUIDs, unique across queues). */
  async find(
    id: string,
    queues: readonly QueueName[] = this.registry.queues,
  ): Promise<Found | null> {
    const reads = await Promise.all(queues.map((q) => this.read(q, id)));
    const at = reads.findIndex((read) => read !== null);
    const read = reads[at];
    const queue = queues[at];
    if (read && queue)
      return this.known(read.job.name, { kind: 'job', queue, ...read });
    const cancelled = await this.cancellation.findSnapshot(queues, id);
    if (!cancelled) return null;
    return this.known(cancelled.snapshot.name, {
      kind: 'cancelled',
      queue: cancelled.queue as QueueName,
      id,
      snapshot: cancelled.snapshot,
    });
  }

  /**
   * Drops a listing-index entry whose job retention has removed. An entry
   * whose job exists under a name this contract does not know (a newer
   * producer during a rolling deploy) is kept for readers that know it.
   */
  async forgetIfGone(queue: QueueName, id: string): Promise<void> {
    const [exists, snapshot] = await Promise.all([
      this.redis.exists(this.keys.bull(queue, id)),
      this.cancellation.hasSnapshot(queue, id),
    ]);
    if (exists === 0 && !snapshot)
      await this.redis.zrem(this.keys.index(queue), id);
  }

  view(found: Found): JobView<TRegistry> {
    return toJobView(found) as JobView<TRegistry>;
  }

  private known(name: string, found: Found): Found | null {
    return this.registry.get(name) ? found : null;
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
    const key = (suffix: string) => this.keys.bull(queue, suffix);
    for (let attempt = 0; ; attempt += 1) {
      const replies = await this.redis
        .multi()
        .zscore(key('completed'), id)
        .zscore(key('failed'), id)
        .zscore(key('delayed'), id)
        .lpos(key('active'), id)
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
      const job = await this.queue(queue).getJob(id);
      if (!job) return null;
      const finished = bullState === 'completed' || bullState === 'failed';
      if (finished === (job.finishedOn !== undefined) || attempt >= 2)
        return { job, bullState };
    }
  }
}
