// What a processor throws to say what should happen next; an app imports them
// from `@conveyor/worker` (or `@conveyor/worker/errors`).
export {
  AttemptTimeoutError,
  NonRetryableError,
  RetryLaterError,
} from '@conveyor/queue';
