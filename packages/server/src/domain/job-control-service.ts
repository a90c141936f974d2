import {
  ForbiddenError,
  JobNotFoundError,
  type AnyRegistry,
} from '@conveyor/core';
import {
  redrive,
  redriveMany,
  type DeadLetterFilter,
  type Found,
  type JobControl,
  type JobReader,
} from '@conveyor/queue';
import type { HistoryRecorder } from './history-recorder.ts';
import type { ReadinessService } from './readiness.ts';
import {
  checkRetryManyScope,
  failedJobIds,
  type RetryManyFilter,
  type RetryManyResult,
} from './retry-many.ts';
import { allowedToEnqueue, type Caller } from './scope.ts';

const CANCEL_REASON = 'cancelled by request';

/**
 * Steering jobs: cancel, retry, promote, redrive. Each reads the job once
 * (`inScope`) and hands that read to the engine and to history. Steering a
 * job needs the same job scope as enqueueing it.
 */
export class JobControlService<TRegistry extends AnyRegistry = AnyRegistry> {
  constructor(
    private readonly reader: JobReader<TRegistry>,
    private readonly control: JobControl<TRegistry>,
    private readonly recorder: HistoryRecorder,
    private readonly readiness: ReadinessService,
  ) {}

  cancel(id: string, caller: Caller) {
    return this.readiness.up(async () => {
      const found = await this.inScope(id, caller);
      const result = await this.control.cancel(
        found,
        caller.tenant,
        CANCEL_REASON,
      );
      // An active job's cancel is the worker's to record (its attempt ends cancelled).
      if (result.state === 'cancelled')
        await this.recorder.cancelled(found, caller, CANCEL_REASON);
      return result;
    });
  }

  retry(id: string, caller: Caller) {
    return this.readiness.up(async () => {
      const found = await this.inScope(id, caller);
      const recordRerun = this.recorder.rerun(found, caller);
      const result = await this.control.retry(found, caller.tenant);
      await recordRerun();
      return result;
    });
  }

  /**
   * `retry` for each of the tenant's failed jobs the filter matches (the
   * same checks, quota and history per job); with `dryRun`, only how many.
   */
  async retryMany(
    filter: RetryManyFilter,
    caller: Caller,
  ): Promise<RetryManyResult> {
    checkRetryManyScope(filter, caller);
    const ids = await this.readiness.up(() =>
      failedJobIds(this.reader, filter, caller.tenant),
    );
    if (filter.dryRun) return { matched: ids.length, retried: 0, skipped: 0 };
    let retried = 0;
    for (const id of ids) {
      try {
        await this.retry(id, caller);
        retried += 1;
      } catch (error) {
        // Moved meanwhile, or over a quota: skipped. When none could run, the reason is the answer.
        if (retried === 0 && id === ids.at(-1)) throw error;
      }
    }
    return { matched: ids.length, retried, skipped: ids.length - retried };
  }

  promote(id: string, caller: Caller) {
    return this.readiness.up(async () =>
      this.control.promote(await this.inScope(id, caller)),
    );
  }

  redrive(id: string, caller: Caller) {
    return this.readiness.up(async () => {
      const found = await this.inScope(id, caller);
      const recordRerun = this.recorder.rerun(found, caller);
      const result = await redrive(this.reader, found, caller.tenant);
      await recordRerun();
      return result;
    });
  }

  /** A token scoped to some jobs must name one of them. */
  redriveMany(filter: DeadLetterFilter & { max: number }, caller: Caller) {
    if (caller.principal.jobs && filter.name === undefined)
      throw new ForbiddenError(
        'This token may redrive only the jobs it may enqueue: name one',
      );
    if (filter.name !== undefined)
      allowedToEnqueue(caller.principal, [filter.name]);
    return this.readiness.up(() =>
      redriveMany(this.reader, filter, caller.tenant),
    );
  }

  /**
   * The job, read once for the whole call: NOT_FOUND for none (or another
   * tenant's), FORBIDDEN when a token scoped to some jobs may not steer it.
   */
  private async inScope(id: string, caller: Caller): Promise<Found> {
    const found = await this.reader.find(id, caller.tenant);
    if (!found) throw new JobNotFoundError(id);
    allowedToEnqueue(caller.principal, [this.reader.view(found).name]);
    return found;
  }
}
