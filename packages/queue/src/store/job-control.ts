import {
  JobStateError,
  TERMINAL_STATES,
  type AnyRegistry,
  type JobState,
} from '@conveyor/core';
import type { Found, JobReader } from './job-reader.ts';
import { runAgain } from './run-again.ts';

/**
 * Cancel, retry and promote: the operations that move a job between states.
 * Each takes the job as the caller already found it (`JobReader.find`, which
 * also checked its tenant), so steering a job reads it once.
 */
export class JobControl<TRegistry extends AnyRegistry> {
  constructor(private readonly store: JobReader<TRegistry>) {}

  /**
   * A waiting or delayed job is removed at once (a snapshot keeps it visible
   * as `cancelled`); an active job's processor is signalled wherever it runs
   * and the job ends `cancelled` without retries.
   */
  async cancel(
    found: Found,
    tenant: string,
    reason = 'cancelled by request',
  ): Promise<{ id: string; state: 'cancelled' | 'cancelling' }> {
    const id = jobIdOf(found);
    const state = this.store.view(found).state;
    if (TERMINAL_STATES.has(state) || found.kind !== 'job') {
      throw new JobStateError(
        `Job ${id} is already ${state}; only waiting, delayed or active jobs can be cancelled`,
      );
    }
    const { cancellation } = this.store;
    if (
      state !== 'active' &&
      (await cancellation.removeQueued(found.job, found.queue, reason))
    ) {
      await this.store.ledger.finish(found.queue, tenant, id, 'cancelled');
      return { id, state: 'cancelled' };
    }
    await cancellation.requestActive({ queue: found.queue, jobId: id, reason });
    return { id, state: 'cancelling' };
  }

  /** Runs a failed or cancelled job again, with its attempts counted from zero. */
  async retry(
    found: Found,
    tenant: string,
  ): Promise<{ id: string; state: JobState }> {
    const id = jobIdOf(found);
    if (found.kind === 'cancelled') {
      await this.readmitted(tenant, found, () =>
        this.store.cancellation.restore(
          this.store.queue(found.queue),
          id,
          found.snapshot,
        ),
      );
      return { id, state: 'waiting' };
    }
    const state = this.store.view(found).state;
    if (state !== 'failed' && state !== 'cancelled') {
      throw new JobStateError(
        `Job ${id} is ${state}; only failed or cancelled jobs can be retried`,
      );
    }
    await this.readmitted(tenant, found, () => runAgain(found.job));
    return { id, state: 'waiting' };
  }

  /** Runs a delayed job now. */
  async promote(found: Found): Promise<{ id: string; state: JobState }> {
    const id = jobIdOf(found);
    const state = this.store.view(found).state;
    if (found.kind !== 'job' || state !== 'delayed') {
      throw new JobStateError(
        `Job ${id} is ${state}; only delayed jobs can be promoted`,
      );
    }
    await found.job.promote();
    return { id, state: 'waiting' };
  }

  /** Runs a finished job again only if its tenant's quota and rate admit it. */
  private async readmitted(
    tenant: string,
    found: Found,
    run: () => Promise<unknown>,
  ): Promise<void> {
    const job = [{ queue: found.queue, id: jobIdOf(found) }];
    await this.store.ledger.readmit(tenant, job);
    try {
      await run();
    } catch (error) {
      await this.store.ledger.release(tenant, job).catch(() => undefined);
      throw error;
    }
  }
}

/** The found job's id (a live job's, or a cancelled snapshot's). */
export const jobIdOf = (found: Found) =>
  found.kind === 'job' ? (found.job.id ?? '') : found.id;
