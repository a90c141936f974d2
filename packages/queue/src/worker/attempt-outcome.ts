import {
  encodeEnvelope,
  toPayloadIssues,
  type RuntimeJob,
} from '@conveyor/core';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { AttemptControl, Settled } from './attempt-control.ts';
import type { AttemptInfo, AttemptOutcome } from './job-observer.ts';
import type { AttemptTimeoutError } from './attempt-timeout-error.ts';
import type { ProcessorContext } from './processor.ts';
import { RetryLaterError } from './retry-later-error.ts';

/**
 * The most of a processor's stack carried on its outcome (into the
 * history outbox): a stack starts with the error's message, which may be a
 * whole HTTP body.
 */
const MAX_STACK_CHARS = 8_192;

/** What a settled processor call means for the attempt. */
export function judge(
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
  // The processor's own stack: BullMQ only ever sees the runner's rethrow.
  const stack =
    error instanceof Error && typeof error.stack === 'string'
      ? { stack: error.stack.slice(0, MAX_STACK_CHARS) }
      : {};
  const final =
    error instanceof UnrecoverableError || info.attempt >= info.attempts;
  if (final) return { kind: 'failed', error: message, ...stack };
  return error instanceof RetryLaterError
    ? { kind: 'retrying', error: message, delayMs: error.delayMs, ...stack }
    : { kind: 'retrying', error: message, ...stack };
}

/**
 * The error BullMQ records, carrying the processor's stack: its
 * `job.stacktrace` then shows where the processor failed, not this runner.
 */
export function withStack<E extends Error>(error: E, stack?: string): E {
  if (stack !== undefined) error.stack = stack;
  return error;
}

/** What a processor settles with after its attempt timed out is only logged. */
export function reportLate(
  late: Settled,
  error: AttemptTimeoutError | undefined,
  log: () => Logger,
): void {
  // A terminated isolated thread settles with the timeout itself: no result.
  if (!late.ok && late.error === error) return;
  log().warn(
    { succeeded: late.ok },
    'result of a timed-out attempt arrived late: discarded',
  );
}

/** The attempt ends now, at its deadline. */
export function timedOut(
  info: AttemptInfo,
  error: AttemptTimeoutError | undefined,
  log: () => Logger,
): AttemptOutcome {
  log().warn({ timeoutMs: error?.timeoutMs }, 'attempt timed out');
  return {
    kind: 'timed-out',
    error: error?.message ?? 'Attempt timed out',
    final: info.attempt >= info.attempts,
  };
}

/** What the processor gets beside its payload. */
// eslint-disable-next-line max-params -- 5 params: processorContext an options object is a follow-up
export function processorContext(
  job: Job,
  info: AttemptInfo,
  definition: RuntimeJob,
  control: AttemptControl,
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
    // Made when read (see AttemptControl).
    get signal() {
      return control.signal;
    },
    async progress(value) {
      const checked = definition.progress.safeParse(value);
      if (!checked.success)
        throw new Error(`${job.name}: progress does not match its contract`);
      await job.updateProgress(encodeEnvelope(checked.data));
    },
  };
}
