import type { AnyConveyorRouter } from '@conveyor/server';
import { retryLink, type TRPCLink } from '@trpc/client';

/**
 * The answers after which an enqueue may be sent again, unchanged, without
 * risk of a second job. IDEMPOTENCY_IN_FLIGHT (409): the key's first request
 * is still being processed; after a short wait the retry gets its job.
 */
const RETRYABLE = new Set([
  'OUTCOME_UNKNOWN',
  'QUEUE_UNAVAILABLE',
  'IDEMPOTENCY_IN_FLIGHT',
]);

export interface SafeEnqueueOptions {
  /** Attempts after the first; 0 turns retrying off. */
  retries: number;
}

/**
 * Every `enqueue` carries an idempotency key (the caller's, or a fresh UUID),
 * so the same call sent twice makes one job; then an enqueue whose outcome
 * is unknown (the add was sent, no answer came), or that was refused while
 * the queue was unavailable, or that got no HTTP answer at all, is sent again
 * with that key, as is one answered 409 because a first request with the
 * same key is still in flight. A caller using the typed client never
 * creates a duplicate.
 * `enqueueMany` takes no keys, so it is not retried.
 */
export function safeEnqueueLinks<TRouter extends AnyConveyorRouter>(
  options: SafeEnqueueOptions,
): TRPCLink<TRouter>[] {
  const withKey: TRPCLink<TRouter> =
    () =>
    ({ op, next }) =>
      next(
        op.type === 'mutation' && op.path === 'enqueue'
          ? { ...op, input: keyed(op.input) }
          : op,
      );
  const retry = retryLink<TRouter>({
    retry: ({ op, error, attempts }) =>
      op.type === 'mutation' &&
      op.path === 'enqueue' &&
      attempts <= options.retries &&
      (error.data === undefined ||
        error.data === null ||
        RETRYABLE.has(error.data.reason ?? '')),
    retryDelayMs: (attempt) => Math.min(2_000, 100 * 2 ** attempt),
  });
  return [withKey, retry];
}

function keyed(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  const request = input as { options?: { idempotencyKey?: string } };
  if (request.options?.idempotencyKey !== undefined) return input;
  return {
    ...request,
    options: {
      ...request.options,
      idempotencyKey: globalThis.crypto.randomUUID(),
    },
  };
}
