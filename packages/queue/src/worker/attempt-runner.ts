import {
  encodeEnvelope,
  formatIssue,
  readStoredPayload,
  toPayloadIssues,
  UpcastError,
  type StoredPayload,
  type AnyRegistry,
  type RuntimeJob,
} from '@conveyor/core';
import { openPayload, sealPayload } from '../sensitive/payload-sealer.ts';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { cancelledFailureReason, type Cancellation } from '../cancellation.ts';
import type { LifecycleEvent } from '../events/lifecycle-event.ts';
import { LifecycleEmitter } from '../events/lifecycle-emitter.ts';
import { AttemptControl, Deadlines } from './attempt-control.ts';
import { attemptInfo, lazyLogger, recordAttempt } from './attempt-info.ts';
import type { AttemptGate } from './attempt-gate.ts';
import type {
  AttemptInfo,
  AttemptOutcome,
  JobObserver,
} from './job-observer.ts';
import {
  judge,
  processorContext,
  reportLate,
  timedOut,
  withStack,
} from './attempt-outcome.ts';
import { isolatedTarget } from './isolated.ts';
import type { ProcessorContext, ProcessorMap } from './processor.ts';
import { RetryLaterError } from './retry-later-error.ts';
import { useRetryLaterBackoff } from './retry-later-backoff.ts';
import { runIsolated } from './run-isolated.ts';

type RuntimeProcessor = (
  payload: unknown,
  context: ProcessorContext,
) => Promise<unknown>;

/** A job ready to run: its contract, its processor and its checked payload. */
interface Decoded {
  definition: RuntimeJob;
  processor: RuntimeProcessor;
  payload: unknown;
}

export interface AttemptRunnerDeps<TRegistry extends AnyRegistry> {
  registry: TRegistry;
  processors: ProcessorMap<TRegistry>;
  logger: Logger;
  cancellation: Cancellation;
  /** Told of every attempt and event (tracing, the event log, metrics, history, webhooks). */
  observers: readonly JobObserver[];
  /** May skip an attempt before it runs (schedules' fired-tick gate). */
  gate?: AttemptGate;
}

/**
 * One attempt of one job, in three steps: decode and check the stored
 * payload → execute the processor with its context → record the outcome
 * (attempt history, observers, the value or error BullMQ stores).
 */
export class AttemptRunner<TRegistry extends AnyRegistry> {
  /** Jobs running in this process, by id. */
  readonly active = new Map<string, AttemptControl>();
  /** One deadline list per timeout (jobs' `timeoutMs`). */
  private readonly deadlines = new Map<number, Deadlines>();
  private readonly events: LifecycleEmitter;

  constructor(private readonly deps: AttemptRunnerDeps<TRegistry>) {
    this.events = new LifecycleEmitter(deps.observers, deps.logger);
  }

  /** Tells the observers of an event the pool reports (stalls). */
  emit(event: LifecycleEvent): Promise<void> | undefined {
    return this.events.emit(event);
  }

  /** Marks a running job cancelled and aborts it; false when it does not run here. */
  cancel(queue: string, jobId: string, reason: string): boolean {
    const here = this.active.get(jobId);
    if (!here || here.queue !== queue || here.cancelled !== undefined)
      return false;
    here.cancelled = reason;
    here.abort(reason);
    return true;
  }

  /** Aborts a running job's signal without cancelling it (its lock was lost). */
  abort(jobId: string, reason: string): void {
    this.active.get(jobId)?.abort(reason);
  }

  async run(job: Job, queue: string): Promise<unknown> {
    const info = attemptInfo(job, queue);
    const log = lazyLogger(this.deps.logger, info);
    // Each await costs a turn of the microtask queue: skipped when idle.
    const before = this.events.beforeAttempt(info);
    if (before) await before;
    let outcome: AttemptOutcome;
    try {
      const { gate } = this.deps;
      const skipped = gate?.concerns(job, info)
        ? await gate.admit(job, info, (type, fields) =>
            this.events.emitFor(info, type, fields),
          )
        : null;
      const decoded = this.decode(job, log);
      outcome =
        skipped !== null
          ? { kind: 'cancelled', reason: skipped }
          : 'error' in decoded
            ? { kind: 'failed', error: decoded.error }
            : await this.execute(job, info, decoded, log);
    } finally {
      this.active.delete(info.jobId);
    }
    return this.record(job, info, outcome);
  }

  /** Step 1: the contract, the processor, the stored payload, and a check that it still fits. */
  private decode(job: Job, log: () => Logger): Decoded | { error: string } {
    const definition = this.deps.registry.get(job.name);
    const processors = this.deps.processors as unknown as Record<
      string,
      RuntimeProcessor | undefined
    >;
    const processor = Object.hasOwn(processors, job.name)
      ? processors[job.name]
      : undefined;
    if (!definition || !processor) {
      log().error('no processor for this job name; failing without retry');
      return { error: `No processor for job "${job.name}"` };
    }
    const read = readPayload(definition, job, log);
    if ('error' in read) return read;
    return { definition, processor, payload: read.payload };
  }

  /**
   * Step 2: the processor, with its context, under the job's timeout; its
   * result checked against the contract. At the deadline the signal aborts
   * and the attempt ends at once: whatever the processor returns later is
   * discarded (an isolated processor's thread is terminated).
   */
  private async execute(
    job: Job,
    info: AttemptInfo,
    { definition, processor, payload }: Decoded,
    log: () => Logger,
  ): Promise<AttemptOutcome> {
    const control = new AttemptControl(info.queue);
    this.active.set(info.jobId, control);
    const context = processorContext(job, info, definition, control, log);
    const target = isolatedTarget(processor);
    const settled = await control.run(
      target
        ? () => runIsolated(target, payload, context, log())
        : () => processor(payload, context),
      this.deadlinesOf(definition.defaults.timeoutMs),
      (late) => reportLate(late, control.timedOut, log),
    );
    if (control.cancelled !== undefined)
      return { kind: 'cancelled', reason: control.cancelled };
    if (settled === null) return timedOut(info, control.timedOut, log);
    return judge(info, definition, settled, log);
  }

  private deadlinesOf(timeoutMs: number): Deadlines {
    let deadlines = this.deadlines.get(timeoutMs);
    if (!deadlines)
      this.deadlines.set(timeoutMs, (deadlines = new Deadlines(timeoutMs)));
    return deadlines;
  }

  /** Step 3: what BullMQ stores (a result envelope, or an error), history, observers. */
  private async record(
    job: Job,
    info: AttemptInfo,
    executed: AttemptOutcome,
  ): Promise<unknown> {
    let outcome = executed;
    let stored: unknown;
    if (outcome.kind === 'completed') {
      try {
        // Stored like payloads, so a Date in a result stays a Date for
        // readers; `sensitive()` values sealed before anything (history,
        // webhooks, events) sees the result.
        const definition = this.deps.registry.get(job.name);
        const sealed = definition
          ? sealPayload(definition, 'result', outcome.result)
          : { value: outcome.result, sealed: false };
        stored = encodeEnvelope(sealed.value, { sealed: sealed.sealed });
        if (sealed.sealed)
          outcome = { kind: 'completed', result: sealed.value };
      } catch (error) {
        outcome = {
          kind: 'failed',
          error: `Result cannot be stored: ${(error as Error).message}`,
        };
      }
    }
    const durationMs = Date.now() - info.startedAt;
    const after = this.events.afterAttempt(info, outcome, durationMs);
    if (after) await after;
    const emitted = this.events.emitOutcome(info, outcome, durationMs);
    if (emitted) await emitted;
    switch (outcome.kind) {
      case 'completed':
        // A retried job keeps the attempt that completed, so its history
        // shows every wait it got.
        if (info.attempt > 1) await recordAttempt(job, info, null);
        return stored;
      case 'cancelled': {
        await this.deps.cancellation
          .acknowledge(info.queue, info.jobId)
          .catch(() => undefined);
        const reason = cancelledFailureReason(outcome.reason);
        await recordAttempt(job, info, reason);
        throw new UnrecoverableError(reason);
      }
      case 'retrying':
        await recordAttempt(job, info, outcome.error);
        if (outcome.delayMs === undefined)
          throw withStack(new Error(outcome.error), outcome.stack);
        useRetryLaterBackoff(job);
        throw withStack(
          new RetryLaterError(outcome.error, outcome.delayMs),
          outcome.stack,
        );
      case 'timed-out':
        await recordAttempt(job, info, outcome.error);
        if (outcome.final) throw new UnrecoverableError(outcome.error);
        throw new Error(outcome.error);
      case 'failed':
        await recordAttempt(job, info, outcome.error);
        throw withStack(new UnrecoverableError(outcome.error), outcome.stack);
    }
  }
}

/**
 * The stored payload as the current contract reads it: an older one upcast
 * (its processor always gets the current type), the current one checked
 * again; an error for anything no attempt can run.
 */
function readPayload(
  definition: RuntimeJob,
  job: Job,
  log: () => Logger,
): { payload: unknown } | { error: string } {
  let stored: StoredPayload;
  try {
    stored = readStoredPayload(definition, job.data, (sealed) =>
      openPayload(definition, 'data', sealed),
    );
  } catch (error) {
    // Malformed data, or an older payload with no path to this version:
    // no attempt can change either, so the job fails without retry.
    const reason = (error as Error).message;
    if (error instanceof UpcastError)
      log().error(
        { reason },
        'payload cannot be upcast; failing without retry',
      );
    else log().error({ reason }, 'malformed job data');
    return { error: reason };
  }
  // The version gate (queue-worker.ts) hands newer payloads back before
  // they get here; one that slips through (a pool without the gate) is not
  // the attempt's to read with an older schema.
  if (stored.kind === 'newer') {
    const reason = `Payload of version ${stored.storedVersion} of "${job.name}": this worker knows version ${definition.version}`;
    log().error({ reason }, 'newer payload; failing without retry');
    return { error: reason };
  }
  // The stored payload was parsed on the way in; it may predate a schema
  // change or not come from a Conveyor producer, so it is checked again.
  // Schema rules (schema-rules.ts) make this check idempotent, so its output
  // is the stored value, except where a default fills a field added to the
  // schema after the job was stored: the processor then gets what its type says.
  // An upcast payload was parsed by the current schema on its way up.
  if (stored.storedVersion < definition.version)
    return { payload: stored.payload };
  const check = definition.input.safeParse(stored.payload);
  if (!check.success) {
    const issues = toPayloadIssues(check.error);
    log().error({ issues }, 'invalid payload; failing without retry');
    return {
      error: `Invalid payload: ${issues.map(formatIssue).join('; ')}`,
    };
  }
  return { payload: check.data };
}
