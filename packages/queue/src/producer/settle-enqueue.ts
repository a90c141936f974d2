import {
  ConveyorError,
  type Durability,
  OutcomeUnknownError,
  QueueFullError,
  QueueUnavailableError,
} from '@conveyor/core';
import { DeadlineExceededError } from '../deadline.ts';
import { withSharedDeadline } from '../deadline-queue.ts';
import { isRedisOutOfMemory } from '../redis-errors.ts';
import { ReplicationUnconfirmedError } from './replica-wait.ts';
import type { WriteAttempt } from './write-attempt.ts';

/**
 * An enqueue's answer: Conveyor's own errors as they are; a deadline or a
 * failure with no reply after the add was sent is an unknown outcome (so
 * is an add the replicas did not confirm); any other failure is a refusal
 * (nothing stored), unavailable. Once the deadline has answered the
 * caller, the enqueue sends nothing more.
 */
export function settleEnqueue<T>(
  work: Promise<T>,
  attempt: WriteAttempt,
  timeoutMs: number,
  durability: Durability,
): Promise<T> {
  // Adds that wait for replicas get that wait on top of the deadline.
  const deadlineMs =
    timeoutMs + (durability.replicas > 0 ? durability.timeoutMs : 0);
  // The deadline queue handles the work's rejection even after the deadline
  // has answered (abandoned, or late: its outcome is nobody's error then).
  return withSharedDeadline(work, deadlineMs).catch((error: unknown) => {
    throw answerOf(error, attempt);
  });
}

function answerOf(error: unknown, attempt: WriteAttempt): unknown {
  if (error instanceof DeadlineExceededError) attempt.abandon();
  if (error instanceof ConveyorError) return error;
  if (error instanceof ReplicationUnconfirmedError)
    return new OutcomeUnknownError({ cause: error, unconfirmed: error });
  if (attempt.mayHaveStored(error))
    return new OutcomeUnknownError({ cause: error });
  if (isRedisOutOfMemory(error)) return new QueueFullError({ cause: error });
  return new QueueUnavailableError({ cause: error });
}
