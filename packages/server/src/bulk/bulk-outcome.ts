import { ConveyorError } from '@conveyor/core';

/** Codes that mean the job moved meanwhile: skipped, not an error. */
const SKIP_REASONS: Readonly<Record<string, string>> = {
  INVALID_STATE: 'no longer in a state this action applies to',
  JOB_NOT_FOUND: 'no longer held by the queues',
};

/** Codes that stop the walk for now: the operation resumes later, where it stopped. */
const TRANSIENT = new Set([
  'QUEUE_UNAVAILABLE',
  'QUEUE_FULL',
  'OUTCOME_UNKNOWN',
  'HISTORY_UNAVAILABLE',
]);

export type JobOutcome =
  | { kind: 'done' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; message: string };

/** A job's action that threw: skipped, failed (counted, the walk goes on), or transient (rethrown). */
export function outcomeOf(error: unknown): JobOutcome {
  if (error instanceof ConveyorError) {
    const reason = SKIP_REASONS[error.code];
    if (reason !== undefined) return { kind: 'skipped', reason };
    if (TRANSIENT.has(error.code)) throw error;
    return { kind: 'failed', message: error.message };
  }
  return { kind: 'failed', message: 'internal error' };
}

/** PostgreSQL's deadlock and serialization failures: the same statement succeeds on a later try. */
const TRANSIENT_SQLSTATES = new Set(['40P01', '40001']);

export function isTransient(error: unknown): boolean {
  if (error instanceof ConveyorError) return TRANSIENT.has(error.code);
  const code: unknown =
    error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && TRANSIENT_SQLSTATES.has(code);
}

/** Only the API's own words reach `bulk.get`: a library's text (PostgreSQL, Node) stays in the log. */
export function messageOf(error: unknown): string {
  return error instanceof ConveyorError ? error.message : 'internal error';
}
