// What a processor throws to say what should happen next; importable by
// processors outside this package as `@conveyor/worker/errors`.
export {
  AttemptTimeoutError,
  NonRetryableError,
  RetryLaterError,
} from '@conveyor/queue';
