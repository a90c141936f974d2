export { AuthFailuresLimitedError } from './auth-failures-limited-error.ts';
export { BulkActionNotFoundError } from './bulk-action-not-found-error.ts';
export { ConveyorError } from './conveyor-error.ts';
export { CrossSlotBatchError } from './cross-slot-batch-error.ts';
export { ForbiddenError } from './forbidden-error.ts';
export { HistoryDisabledError } from './history-disabled-error.ts';
export { HistoryUnavailableError } from './history-unavailable-error.ts';
export { IdempotencyConflictError } from './idempotency-conflict-error.ts';
export { IdempotencyInFlightError } from './idempotency-in-flight-error.ts';
export { InvalidIdempotencyKeyError } from './invalid-idempotency-key-error.ts';
export { InvalidCursorError } from './invalid-cursor-error.ts';
export { InvalidPayloadError } from './invalid-payload-error.ts';
export { JobNotFoundError } from './job-not-found-error.ts';
export { JobStateError } from './job-state-error.ts';
export { MalformedJobError } from './malformed-job-error.ts';
export { OutcomeUnknownError } from './outcome-unknown-error.ts';
export {
  formatIssue,
  toPayloadIssues,
  type PayloadIssue,
} from './payload-issue.ts';
export { PayloadTooLargeError } from './payload-too-large-error.ts';
export { QueueFullError } from './queue-full-error.ts';
export { QueueUnavailableError } from './queue-unavailable-error.ts';
export { QuotaExceededError } from './quota-exceeded-error.ts';
export { UnknownJobError } from './unknown-job-error.ts';
export { WebhookLimitError } from './webhook-limit-error.ts';
export { WebhookNotFoundError } from './webhook-not-found-error.ts';
export { WebhookUrlRefusedError } from './webhook-url-refused-error.ts';
export { ScheduleLimitError } from './schedule-limit-error.ts';
export { ScheduleNotFoundError } from './schedule-not-found-error.ts';
export { InvalidScheduleError } from './invalid-schedule-error.ts';
export { InvalidHistoryQueryError } from './invalid-history-query-error.ts';
export { InvalidSearchFilterError } from './invalid-search-filter-error.ts';
export { SearchTimeoutError } from './search-timeout-error.ts';
export { ContractScheduleError } from './contract-schedule-error.ts';
export { FlowKeyError } from './flow-key-error.ts';
export { UpcastError } from './upcast-error.ts';
export { EncryptionKeyError } from './encryption-key-error.ts';
