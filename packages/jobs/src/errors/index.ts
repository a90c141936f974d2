export { ConveyorError } from './conveyor-error.ts';
export { IdempotencyConflictError } from './idempotency-conflict-error.ts';
export { InvalidCursorError } from './invalid-cursor-error.ts';
export { InvalidPayloadError } from './invalid-payload-error.ts';
export { JobNotFoundError } from './job-not-found-error.ts';
export { JobStateError } from './job-state-error.ts';
export { MalformedJobError } from './malformed-job-error.ts';
export {
  formatIssue,
  toPayloadIssues,
  type PayloadIssue,
} from './payload-issue.ts';
export { QueueUnavailableError } from './queue-unavailable-error.ts';
export { UnknownJobError } from './unknown-job-error.ts';
