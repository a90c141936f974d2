import type { Redis } from 'ioredis';
import { conveyorKeys } from './keys.ts';

/** How long a cancel request for an active job waits to be seen by its worker. */
export const CANCEL_REQUEST_TTL_MS = 60 * 60 * 1_000;

export interface CancelMessage {
  queue: string;
  jobId: string;
  reason: string;
}

/**
 * Asks whichever worker process runs `jobId` to abort it. BullMQ's
 * `worker.cancelJob` only reaches the local process, so the request travels
 * twice: on a pub/sub channel (immediate) and as a key that workers poll for
 * their active jobs (covers a worker that was reconnecting when the message
 * went out, and a job that became active just before the request).
 */
export async function requestCancellation(
  redis: Redis,
  prefix: string,
  message: CancelMessage,
): Promise<void> {
  await redis
    .multi()
    .set(
      conveyorKeys.cancelRequest(prefix, message.queue, message.jobId),
      message.reason,
      'PX',
      CANCEL_REQUEST_TTL_MS,
    )
    .publish(conveyorKeys.cancelChannel(prefix), JSON.stringify(message))
    .exec();
}

export function parseCancelMessage(raw: string): CancelMessage | null {
  try {
    const value = JSON.parse(raw) as Partial<CancelMessage>;
    return typeof value.queue === 'string' &&
      typeof value.jobId === 'string' &&
      typeof value.reason === 'string'
      ? { queue: value.queue, jobId: value.jobId, reason: value.reason }
      : null;
  } catch {
    return null;
  }
}
