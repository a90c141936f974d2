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
export async function settleEnqueue<T>(
  work: Promise<T>,
  attempt: WriteAttempt,
  timeoutMs: number,
  durability: Durability,
): Promise<T> {
  // Adds that wait for replicas get that wait on top of the deadline.
  const deadlineMs =
    timeoutMs + (durability.replicas > 0 ? durability.timeoutMs : 0);
  // After the deadline has answered, the work still ends (abandoned, or
  // late): its outcome is no longer anybody's error.
  work.catch(() => undefined);
  try {
    return await withSharedDeadline(work, deadlineMs);
  } catch (error) {
    if (error instanceof DeadlineExceededError) attempt.abandon();
    if (error instanceof ConveyorError) throw error;
    if (error instanceof ReplicationUnconfirmedError)
      throw new OutcomeUnknownError({ cause: error, unconfirmed: error });
    if (attempt.mayHaveStored(error))
      throw new OutcomeUnknownError({ cause: error });
    if (isRedisOutOfMemory(error)) throw new QueueFullError({ cause: error });
    throw new QueueUnavailableError({ cause: error });
  }
}
