/**
 * Redis keys Conveyor owns beside BullMQ's, all under the same
 * `${prefix}:${queue}:` namespace as the queue they belong to (so a
 * `{hash-tagged}` prefix keeps each queue on one Redis Cluster slot).
 */
export const conveyorKeys = {
  /** ZSET of job ids scored by creation time: newest-first listing. */
  index: (prefix: string, queue: string) => `${prefix}:${queue}:cv:index`,
  /** STRING `${jobId} ${payloadHash}` for an idempotency key (hashed). */
  idempotency: (prefix: string, queue: string, keyHash: string) =>
    `${prefix}:${queue}:cv:idem:${keyHash}`,
  /** STRING set while a cancel of an active job is pending; workers check it. */
  cancelRequest: (prefix: string, queue: string, jobId: string) =>
    `${prefix}:${queue}:cv:cancel:${jobId}`,
  /** HASH snapshot of a waiting/delayed job removed by a cancel. */
  cancelledJob: (prefix: string, queue: string, jobId: string) =>
    `${prefix}:${queue}:cv:cancelled:${jobId}`,
  /** BullMQ's own per-queue event stream (read, and written for `cancelled`). */
  events: (prefix: string, queue: string) => `${prefix}:${queue}:events`,
  /** Pub/sub channel on which cancel requests reach every worker process. */
  cancelChannel: (prefix: string) => `${prefix}:cv:cancel`,
};

/** A failed job whose reason starts with this was cancelled, not broken. */
export const CANCELLED_REASON_PREFIX = '[cancelled] ';
