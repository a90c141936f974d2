import type {
  AnyRegistry,
  EnqueueManyRequest,
  EnqueueRequest,
} from '@conveyor/core';
import type { EnqueueResult, Producer } from '@conveyor/queue';
import type { Logger } from 'pino';
import type { HistoryRecorder } from './domain/history-recorder.ts';
import { allowedToEnqueue, type Caller } from './domain/scope.ts';

export type { Caller } from './domain/scope.ts';
export type { Readiness } from './domain/readiness.ts';

/** Told of the jobs each successful enqueue stored, for the tenant (the enqueued-jobs metric). */
export type OnEnqueued = (
  jobs: readonly EnqueueResult[],
  tenant: string,
) => void;

export interface QueueServiceDeps<TRegistry extends AnyRegistry> {
  producer: Producer<TRegistry>;
  recorder: HistoryRecorder;
  logger: Logger;
  /** Synchronous and cheap; one that throws is ignored. */
  onEnqueued?: OnEnqueued | undefined;
}

/**
 * The API's enqueue door: the caller's tenant stamped on each job, a scoped
 * token held to its jobs, history told who enqueued (and with which key),
 * metrics told what was stored. Reads, steering, schedules and the rest are
 * services of their own (src/domain/, built by `createServices`).
 */
export class QueueService<TRegistry extends AnyRegistry = AnyRegistry> {
  constructor(private readonly deps: QueueServiceDeps<TRegistry>) {}

  /**
   * For a request the procedure's input already parsed with
   * `registry.enqueueRequest`: the producer does not parse it again. The job
   * is the caller's tenant's; a token scoped to some jobs may enqueue only
   * those. Hosts with unparsed requests use `createInProcessClient`.
   */
  async enqueueParsed(
    request: EnqueueRequest<TRegistry['jobs']>,
    caller: Caller,
  ) {
    allowedToEnqueue(caller.principal, [request.name]);
    const at = Date.now();
    const job = await this.deps.producer.enqueueParsed(request, caller.tenant);
    await this.deps.recorder.enqueued([job], [request], caller, at);
    return this.enqueued([job], caller.tenant, job);
  }

  /** The same, for `registry.enqueueManyRequest`: all or nothing. */
  async enqueueManyParsed(
    request: EnqueueManyRequest<TRegistry['jobs']>,
    caller: Caller,
  ) {
    allowedToEnqueue(
      caller.principal,
      request.jobs.map((job) => job.name),
    );
    const at = Date.now();
    const result = await this.deps.producer.enqueueManyParsed(
      request,
      caller.tenant,
    );
    await this.deps.recorder.enqueued(result.jobs, request.jobs, caller, at);
    return this.enqueued(result.jobs, caller.tenant, result);
  }

  /** Tells `onEnqueued`, which must never turn a stored job into an error. */
  private enqueued<T>(
    jobs: readonly EnqueueResult[],
    tenant: string,
    result: T,
  ): T {
    try {
      // Jobs stored: an enqueue that joined an existing job, or replayed
      // an idempotency key's, added none.
      const stored = jobs.filter(
        (j) => j.deduplicated?.outcome !== 'joined' && !j.replayed,
      );
      this.deps.onEnqueued?.(stored, tenant);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'onEnqueued failed');
    }
    return result;
  }
}
