import type { z } from 'zod';

/** One problem with a payload, safe to show a caller. */
export interface PayloadIssue {
  path: (string | number)[];
  message: string;
  /** Zod's issue code (`invalid_type`, `too_small`, `custom`, …): stable where messages are not. */
  code: string;
  /** For `invalid_type`: the type that was expected (`date`, `string`, …). */
  expected?: string;
}

/**
 * Errors a producer or processor raises on purpose. `code` is stable and meant
 * for mapping (the API turns these into tRPC codes); messages never carry Redis
 * details or stack traces, the `cause` does, and it stays server-side.
 */
export abstract class ConveyorError extends Error {
  abstract readonly code: string;
}

export class UnknownJobError extends ConveyorError {
  readonly code = 'UNKNOWN_JOB';
  constructor(readonly jobName: string) {
    super(`Unknown job name "${jobName}"`);
    this.name = 'UnknownJobError';
  }
}

export class InvalidPayloadError extends ConveyorError {
  readonly code = 'INVALID_PAYLOAD';
  constructor(
    readonly jobName: string,
    readonly issues: PayloadIssue[],
  ) {
    super(
      `Invalid payload for ${jobName}: ${issues.map(formatIssue).join('; ')}`,
    );
    this.name = 'InvalidPayloadError';
  }
}

/** The idempotency key was used for another payload of the same job. Nothing was enqueued. */
export class IdempotencyConflictError extends ConveyorError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(readonly jobName: string) {
    super(
      `This idempotency key was already used for ${jobName} with a different payload`,
    );
    this.name = 'IdempotencyConflictError';
  }
}

/** Redis could not be reached, or did not answer in time. Nothing was enqueued on a closed connection. */
export class QueueUnavailableError extends ConveyorError {
  readonly code = 'QUEUE_UNAVAILABLE';
  constructor(options?: { cause?: unknown }) {
    super('The job queue is unavailable; try again shortly', options);
    this.name = 'QueueUnavailableError';
  }
}

/** A stored job that cannot be decoded: written by something other than a Conveyor producer, or corrupted. */
export class MalformedJobError extends ConveyorError {
  readonly code = 'MALFORMED_JOB';
  constructor(message: string) {
    super(message);
    this.name = 'MalformedJobError';
  }
}

export function toPayloadIssues(error: z.ZodError): PayloadIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((key) =>
      typeof key === 'symbol' ? String(key) : key,
    ),
    message: issue.message,
    code: issue.code,
    ...(issue.code === 'invalid_type' ? { expected: issue.expected } : {}),
  }));
}

function formatIssue(issue: PayloadIssue): string {
  return issue.path.length > 0
    ? `${issue.path.join('.')}: ${issue.message}`
    : issue.message;
}
