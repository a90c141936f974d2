import {
  conveyorKeys,
  requestCancellation,
  type AnyRegistry,
} from '@conveyor/jobs';
import { JobNotFoundError, JobStateError } from './errors.ts';
import { CANCELLED_SNAPSHOT_TTL_S, type JobStore } from './job-store.ts';
import { TERMINAL_STATES, type JobState } from './job-view.ts';

const MAX_EVENTS = 10_000;

/** Cancel, retry and promote: the operations that move a job between states. */
export class JobControl<TRegistry extends AnyRegistry> {
  constructor(private readonly store: JobStore<TRegistry>) {}

  /**
   * A waiting or delayed job is removed at once (a snapshot keeps it visible
   * as `cancelled`); an active job's processor is signalled wherever it runs
   * and the job ends `cancelled` without retries.
   */
  async cancel(
    id: string,
    reason = 'cancelled by request',
  ): Promise<{ id: string; state: 'cancelled' | 'cancelling' }> {
    const found = await this.store.find(id);
    if (!found) throw new JobNotFoundError(id);
    const state = this.store.view(found).state;
    if (TERMINAL_STATES.has(state)) {
      throw new JobStateError(
        `Job ${id} is already ${state}; only waiting, delayed or active jobs can be cancelled`,
      );
    }
    if (found.kind !== 'job')
      throw new JobStateError(`Job ${id} is already cancelled`);
    const { job, queue } = found;
    const { redis, prefix } = this.store;
    if (state !== 'active') {
      // Snapshot first: if the removal fails the snapshot is dropped again;
      // the reverse order could lose the job on a crash in between.
      const snapshotKey = conveyorKeys.cancelledJob(prefix, queue, id);
      await redis
        .multi()
        .hset(snapshotKey, {
          name: job.name,
          data: JSON.stringify(job.data),
          opts: JSON.stringify(job.opts),
          timestamp: String(job.timestamp),
          attemptsMade: String(job.attemptsMade),
          cancelledAt: String(Date.now()),
          reason,
        })
        .expire(snapshotKey, CANCELLED_SNAPSHOT_TTL_S)
        .exec();
      try {
        await job.remove();
        await redis.xadd(
          conveyorKeys.events(prefix, queue),
          'MAXLEN',
          '~',
          MAX_EVENTS,
          '*',
          'event',
          'cancelled',
          'jobId',
          id,
          'reason',
          reason,
        );
        return { id, state: 'cancelled' };
      } catch {
        // It became active (locked) in the meantime: cancel it as an active job.
        await redis.del(snapshotKey);
      }
    }
    await requestCancellation(redis, prefix, { queue, jobId: id, reason });
    return { id, state: 'cancelling' };
  }

  /** Runs a failed or cancelled job again, with its attempts counted from zero. */
  async retry(id: string): Promise<{ id: string; state: JobState }> {
    const found = await this.store.find(id);
    if (!found) throw new JobNotFoundError(id);
    if (found.kind === 'cancelled') {
      const { snapshot, queue } = found;
      const opts = JSON.parse(snapshot.opts) as Record<string, unknown>;
      delete opts.delay;
      await this.store
        .queue(queue)
        .add(snapshot.name, JSON.parse(snapshot.data), { ...opts, jobId: id });
      await this.store.redis.del(
        conveyorKeys.cancelledJob(this.store.prefix, queue, id),
      );
      return { id, state: 'waiting' };
    }
    const state = this.store.view(found).state;
    if (state !== 'failed' && state !== 'cancelled') {
      throw new JobStateError(
        `Job ${id} is ${state}; only failed or cancelled jobs can be retried`,
      );
    }
    await found.job.retry('failed', {
      resetAttemptsMade: true,
      resetAttemptsStarted: true,
    });
    return { id, state: 'waiting' };
  }

  /** Runs a delayed job now. */
  async promote(id: string): Promise<{ id: string; state: JobState }> {
    const found = await this.store.find(id);
    if (!found) throw new JobNotFoundError(id);
    const state = this.store.view(found).state;
    if (found.kind !== 'job' || state !== 'delayed') {
      throw new JobStateError(
        `Job ${id} is ${state}; only delayed jobs can be promoted`,
      );
    }
    await found.job.promote();
    return { id, state: 'waiting' };
  }
}
