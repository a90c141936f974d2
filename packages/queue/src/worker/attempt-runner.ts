import {
  decodeEnvelope,
  encodeEnvelope,
  formatIssue,
  toPayloadIssues,
  type AnyRegistry,
  type RuntimeJob,
} from '@conveyor/jobs';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { formatAttempt } from '../attempt-history.ts';
import { cancelledFailureReason, type Cancellation } from '../cancellation.ts';
import {
  lifecycleEventId,
  type LifecycleEvent,
  type LifecycleEventType,
  type LifecycleListener,
} from '../events/lifecycle-event.ts';
import { jobRun } from '../events/job-run.ts';
import type { FiredJobAdmission } from '../schedules/admit-fired-job.ts';
import { missedTick, type MissedTick } from '../schedules/missed-tick.ts';
import { envelopeTenant } from '../tenancy/envelope-tenant.ts';
import type {
  AttemptHooks,
  AttemptInfo,
  AttemptOutcome,
} from './attempt-hooks.ts';
import { AttemptTimeoutError } from './attempt-timeout-error.ts';
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
  hooks: readonly AttemptHooks[];
  /** Told of every lifecycle event (the event log, webhooks). */
  listeners: readonly LifecycleListener[];
  /** Admits a job a schedule fired (quota, rate, listing); a reason to skip it. */
  admitScheduled?: FiredJobAdmission;
}

/**
 * One attempt of one job, in three steps: decode and check the stored
 * payload → execute the processor with its context → record the outcome
 * (attempt history, hooks, the value or error BullMQ stores).
 */
export class AttemptRunner<TRegistry extends AnyRegistry> {
  /** Jobs running in this process, by id. */
  readonly active = new Map<
    string,
    { queue: string; abort: (reason: string) => void }
  >();
  /** Jobs whose abort came from a cancel request (not a lost lock): reason by id. */
  private readonly cancelled = new Map<string, string>();

  constructor(private readonly deps: AttemptRunnerDeps<TRegistry>) {}

  /** Marks a running job cancelled and aborts it; false when it does not run here. */
  cancel(queue: string, jobId: string, reason: string): boolean {
    const here = this.active.get(jobId);
    if (!here || here.queue !== queue || this.cancelled.has(jobId))
      return false;
    this.cancelled.set(jobId, reason);
    here.abort(reason);
    return true;
  }

  async run(job: Job, queue: string, signal: AbortSignal): Promise<unknown> {
    const info: AttemptInfo = {
      jobId: job.id ?? '',
      tenantId: envelopeTenant(job.data),
      name: job.name,
      queue,
      run: jobRun(job.data),
      attempt: job.attemptsMade + 1,
      attempts: job.opts.attempts ?? 1,
      startedAt: Date.now(),
    };
    // opts.delay, not delay: BullMQ zeroes the latter when the job comes due.
    if (info.attempt === 1 && info.run === 0)
      info.readyAt = job.timestamp + (job.opts.delay ?? 0);
    const log = lazyLogger(this.deps.logger, info);
    await this.hook(info, (h) => h.beforeAttempt?.(info));
    let outcome: AttemptOutcome;
    try {
      const skipped = await this.skipTick(job, info);
      const decoded = this.decode(job, log);
      outcome =
        skipped !== null
          ? { kind: 'cancelled', reason: skipped }
          : 'error' in decoded
            ? { kind: 'failed', error: decoded.error }
            : await this.execute(job, info, decoded, signal, log);
    } finally {
      this.active.delete(info.jobId);
      this.cancelled.delete(info.jobId);
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
    let payload: unknown;
    try {
      payload = decodeEnvelope(job.data).payload;
    } catch (error) {
      log().error({ reason: (error as Error).message }, 'malformed job data');
      return { error: (error as Error).message };
    }
    // The stored payload was parsed on the way in; it may predate a schema
    // change or not come from a Conveyor producer, so it is checked again.
    // Schema rules (schema-rules.ts) make this check idempotent, so its output
    // is the stored value, except where a default fills a field added to the
    // schema after the job was stored: the processor then gets what its type says.
    const check = definition.input.safeParse(payload);
    if (!check.success) {
      const issues = toPayloadIssues(check.error);
      log().error({ issues }, 'invalid payload; failing without retry');
      return {
        error: `Invalid payload: ${issues.map(formatIssue).join('; ')}`,
      };
    }
    return {
      definition,
      processor,
      payload: check.data,
    };
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
    signal: AbortSignal,
    log: () => Logger,
  ): Promise<AttemptOutcome> {
    const controller = new AbortController();
    const abort = () => controller.abort(signal.reason);
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
    this.active.set(info.jobId, {
      queue: info.queue,
      abort: (reason) => controller.abort(reason),
    });
    const context = processorContext(job, info, definition, controller, log);
    const deadline = startDeadline(definition.defaults.timeoutMs, controller);
    const target = isolatedTarget(processor);
    // Async, so a processor that throws before its first await still settles here.
    const running = settle(
      (async () =>
        target
          ? runIsolated(target, payload, context, log())
          : processor(payload, context))(),
    );
    try {
      const settled = await Promise.race([running, deadline.expired]);
      const cancelled = this.cancelled.get(info.jobId);
      if (cancelled !== undefined)
        return { kind: 'cancelled', reason: cancelled };
      if (deadline.error || !('ok' in settled))
        return timedOut(info, deadline.error, running, log);
      return judge(info, definition, settled, log);
    } finally {
      deadline.clear();
      signal.removeEventListener('abort', abort);
    }
  }

  /** Step 3: what BullMQ stores (a result envelope, or an error), history, hooks. */
  private async record(
    job: Job,
    info: AttemptInfo,
    executed: AttemptOutcome,
  ): Promise<unknown> {
    let outcome = executed;
    let stored: unknown;
    if (outcome.kind === 'completed') {
      try {
        // Stored like payloads, so a Date in a result stays a Date for readers.
        stored = encodeEnvelope(outcome.result);
      } catch (error) {
        outcome = {
          kind: 'failed',
          error: `Result cannot be stored: ${(error as Error).message}`,
        };
      }
    }
    const durationMs = Date.now() - info.startedAt;
    await this.hook(info, (h) => h.afterAttempt?.(info, outcome, durationMs));
    await this.emitOutcome(info, outcome, durationMs);
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
        if (outcome.delayMs === undefined) throw new Error(outcome.error);
        useRetryLaterBackoff(job);
        throw new RetryLaterError(outcome.error, outcome.delayMs);
      case 'timed-out':
        await recordAttempt(job, info, outcome.error);
        if (outcome.final) throw new UnrecoverableError(outcome.error);
        throw new Error(outcome.error);
      case 'failed':
        await recordAttempt(job, info, outcome.error);
        throw new UnrecoverableError(outcome.error);
    }
  }

  /**
   * A fired job's first attempt: missed-tick policy, then admission. A
   * reason when the tick is to be skipped (it ends cancelled), else null.
   */
  private async skipTick(job: Job, info: AttemptInfo): Promise<string | null> {
    const admission = this.deps.admitScheduled;
    if (info.attempt !== 1 || !job.id?.startsWith('repeat:') || !admission)
      return null;
    await admission.list(info);
    const missed = missedTick(job, info.startedAt);
    if (missed) await this.reportMissed(info, missed);
    if (missed?.policy === 'skip') return skippedReason(missed);
    return admission.admit(info);
  }

  private async reportMissed(info: AttemptInfo, missed: MissedTick) {
    await this.emit({
      ...this.eventBase(info, 'schedule.missed'),
      scheduleId: missed.scheduleId,
      tickAt: missed.tickAt,
      policy: missed.policy,
    });
  }

  private async emitOutcome(
    info: AttemptInfo,
    outcome: AttemptOutcome,
    durationMs: number,
  ): Promise<void> {
    const event = (type: LifecycleEventType, error?: string) => ({
      ...this.eventBase(info, type),
      durationMs,
      ...(error === undefined ? {} : { error }),
      ...(outcome.kind === 'timed-out' ? { timedOut: true } : {}),
    });
    switch (outcome.kind) {
      case 'completed':
        return this.emit(event('job.completed'));
      case 'cancelled':
        return this.emit(event('job.cancelled', outcome.reason));
      case 'retrying':
        return this.emit(event('job.retrying', outcome.error));
      case 'timed-out':
        if (!outcome.final)
          return this.emit(event('job.retrying', outcome.error));
        break;
      case 'failed':
        break;
    }
    await this.emit(event('job.failed', outcome.error));
    await this.emit(event('job.dead-lettered', outcome.error));
  }

  private eventBase(info: AttemptInfo, type: LifecycleEventType) {
    return {
      type,
      id: lifecycleEventId(info.jobId, info.run, info.attempt, type),
      at: Date.now(),
      tenantId: info.tenantId,
      queue: info.queue,
      jobId: info.jobId,
      name: info.name,
      run: info.run,
      attempt: info.attempt,
      attempts: info.attempts,
    };
  }

  /** Listeners are told in order; one that throws is logged and skipped. */
  async emit(event: LifecycleEvent): Promise<void> {
    for (const listener of this.deps.listeners) {
      try {
        await listener(event);
      } catch (error) {
        this.deps.logger.warn(
          { err: error, jobId: event.jobId, event: event.type },
          'lifecycle listener failed',
        );
      }
    }
  }

  private async hook(
    info: AttemptInfo,
    call: (hooks: AttemptHooks) => void | Promise<void>,
  ): Promise<void> {
    for (const hooks of this.deps.hooks) {
      try {
        await call(hooks);
      } catch (error) {
        this.deps.logger.warn(
          { err: error, jobId: info.jobId },
          'attempt hook failed',
        );
      }
    }
  }
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };
type TimedOut = { timedOut: true };

/** What a settled processor call means for the attempt. */
function judge(
  info: AttemptInfo,
  definition: RuntimeJob,
  settled: Settled,
  log: () => Logger,
): AttemptOutcome {
  if (settled.ok) {
    const checked = definition.result.safeParse(settled.value);
    if (checked.success) return { kind: 'completed', result: checked.data };
    log().error(
      { issues: toPayloadIssues(checked.error) },
      'processor returned a result its contract does not allow',
    );
    return {
      kind: 'failed',
      error: 'Processor result does not match the job contract',
    };
  }
  const { error } = settled;
  const message = error instanceof Error ? error.message : String(error);
  const final =
    error instanceof UnrecoverableError || info.attempt >= info.attempts;
  if (final) return { kind: 'failed', error: message };
  return error instanceof RetryLaterError
    ? { kind: 'retrying', error: message, delayMs: error.delayMs }
    : { kind: 'retrying', error: message };
}

/** The attempt ends now; what the processor settles with later is only logged. */
function timedOut(
  info: AttemptInfo,
  error: AttemptTimeoutError | undefined,
  running: Promise<Settled>,
  log: () => Logger,
): AttemptOutcome {
  void running.then((late) => {
    // A terminated isolated thread settles with the timeout itself: no result.
    if (!late.ok && late.error === error) return;
    log().warn(
      { succeeded: late.ok },
      'result of a timed-out attempt arrived late: discarded',
    );
  });
  log().warn({ timeoutMs: error?.timeoutMs }, 'attempt timed out');
  return {
    kind: 'timed-out',
    error: error?.message ?? 'Attempt timed out',
    final: info.attempt >= info.attempts,
  };
}

function settle(promise: Promise<unknown>): Promise<Settled> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/**
 * The attempt's deadline: aborts the processor's signal with an
 * AttemptTimeoutError. `error` is set before the abort, so a processor that
 * rejects on abort cannot pass for an ordinary failure.
 */
function startDeadline(timeoutMs: number, controller: AbortController) {
  const deadline: {
    error?: AttemptTimeoutError;
    expired: Promise<TimedOut>;
    clear: () => void;
  } = { expired: Promise.resolve({ timedOut: true }), clear: () => undefined };
  deadline.expired = new Promise<TimedOut>((resolve) => {
    const timer = setTimeout(() => {
      deadline.error = new AttemptTimeoutError(timeoutMs);
      controller.abort(deadline.error);
      resolve({ timedOut: true });
    }, timeoutMs);
    deadline.clear = () => clearTimeout(timer);
  });
  return deadline;
}

function processorContext(
  job: Job,
  info: AttemptInfo,
  definition: RuntimeJob,
  controller: AbortController,
  log: () => Logger,
): ProcessorContext {
  return {
    jobId: info.jobId,
    tenantId: info.tenantId,
    attempt: info.attempt,
    attempts: info.attempts,
    get logger() {
      return log();
    },
    signal: controller.signal,
    async progress(value) {
      const checked = definition.progress.safeParse(value);
      if (!checked.success)
        throw new Error(`${job.name}: progress does not match its contract`);
      await job.updateProgress(encodeEnvelope(checked.data));
    },
  };
}

function skippedReason({ tickAt }: MissedTick): string {
  return `Missed tick at ${new Date(tickAt).toISOString()} skipped (schedule policy: skip)`;
}

/** History is best effort: a failure to write it must not change the job's outcome. */
async function recordAttempt(
  job: Job,
  info: AttemptInfo,
  error: string | null,
) {
  const row = formatAttempt({
    attempt: info.attempt,
    startedAt: new Date(info.startedAt).toISOString(),
    at: new Date().toISOString(),
    error,
  });
  await job.log(row).catch(() => undefined);
}

/** A child logger per job costs more than a no-op job: make it on first use. */
function lazyLogger(logger: Logger, info: AttemptInfo): () => Logger {
  let child: Logger | undefined;
  return () =>
    (child ??= logger.child({
      jobId: info.jobId,
      job: info.name,
      attempt: info.attempt,
    }));
}
