import type { AnyRegistry } from '@conveyor/core';
import type { EnqueueResult, Found, JobReader } from '@conveyor/queue';
import {
  cancelledTransition,
  enqueuedTransition,
  runOf,
} from '../history/api-transitions.ts';
import type { JobHistory } from '../history/job-history.ts';
import type { Caller } from './scope.ts';

/** The delay an enqueue asked for: `delay`, or `runAt` less the enqueue time. */
function askedDelay(
  options: { delay?: number; runAt?: Date } | undefined,
  at: number,
): number | undefined {
  if (options?.delay !== undefined) return options.delay;
  if (options?.runAt !== undefined)
    return Math.max(0, options.runAt.getTime() - at);
  return undefined;
}

/**
 * What only the API sees, into history: who enqueued a job (with which
 * key), and the cancels, retries and redrives asked for. Each records from
 * what the caller already read; with history off, nothing. Never throws.
 */
export class HistoryRecorder {
  constructor(
    private readonly history: JobHistory,
    private readonly reader: Pick<JobReader<AnyRegistry>, 'view'>,
  ) {}

  /** History's `enqueued` rows: jobs[i] is what requests[i] stored. */
  enqueued(
    jobs: readonly EnqueueResult[],
    requests: readonly {
      data: unknown;
      options?: { idempotencyKey?: string; delay?: number; runAt?: Date };
    }[],
    caller: Caller,
    at: number,
  ): Promise<void> {
    if (!this.history.active) return Promise.resolve();
    return this.history.record(
      jobs.flatMap((job, i) =>
        // An enqueue that joined an existing job stored nothing new.
        job.deduplicated?.outcome === 'joined'
          ? []
          : [
              enqueuedTransition(job, caller.tenant, at, {
                data: this.history.storedData(job.name, requests[i]?.data),
                version: this.history.versionOf(job.name),
                idempotencyKey: requests[i]?.options?.idempotencyKey,
                enqueuedBy: caller.principal.subject,
                enqueuedVia: caller.via ?? 'api',
                delayMs: askedDelay(requests[i]?.options, at),
              }),
            ],
      ),
    );
  }

  /**
   * A retried or redriven job's new run, as `enqueued`: the run after the
   * one found. Read before acting: running a failed job again bumps the run
   * in `found`'s own data (`runAgain`), and the record would then name a
   * run that never comes (the job's row stuck `waiting`).
   */
  rerun(found: Found, caller: Caller): () => Promise<void> {
    const run = runOf(found) + 1;
    return async () => {
      if (!this.history.active) return;
      const at = Date.now();
      const { id, name, queue } = this.reader.view(found);
      await this.history.record([
        enqueuedTransition({ id, name, queue }, caller.tenant, at, { run }),
      ]);
    };
  }

  /** A waiting or delayed job removed before its run's next attempt. */
  async cancelled(found: Found, caller: Caller, reason: string): Promise<void> {
    if (!this.history.active) return;
    const at = Date.now();
    const { id, name, queue } = this.reader.view(found);
    await this.history.record([
      cancelledTransition(
        { id, name, queue },
        caller.tenant,
        runOf(found),
        at,
        reason,
      ),
    ]);
  }
}
