import { InvalidIdempotencyKeyError } from '@conveyor/core';
import type { HttpExchange } from '../http/http-exchange.ts';
import { parseIdempotencyKeyHeader } from './parse-idempotency-key-header.ts';

const HEADER = 'Idempotency-Key';

interface KeyedRequest {
  options?: { idempotencyKey?: string | undefined } | undefined;
}

/**
 * The request with the `Idempotency-Key` header's key in
 * `options.idempotencyKey`. The header names one call: on a batched HTTP
 * request it is refused, as is a header that disagrees with the field.
 */
export function withHeaderKey<T extends KeyedRequest>(
  request: T,
  http: HttpExchange | null,
): T {
  const raw = http?.header(HEADER) ?? null;
  if (raw === null) return request;
  if (http?.batched)
    throw new InvalidIdempotencyKeyError(
      'An Idempotency-Key header applies to one call: send it on an unbatched POST /trpc/enqueue, or put the key in options.idempotencyKey',
    );
  const key = parseIdempotencyKeyHeader(raw);
  const field = request.options?.idempotencyKey;
  if (field !== undefined && field !== key)
    throw new InvalidIdempotencyKeyError(
      'The Idempotency-Key header and options.idempotencyKey differ: send one key',
    );
  return { ...request, options: { ...request.options, idempotencyKey: key } };
}

/** `enqueueMany` takes no keys (one all-or-nothing write): a header is refused, not ignored. */
export function refuseHeaderKey(http: HttpExchange | null): void {
  if (http?.header(HEADER) !== null && http?.header(HEADER) !== undefined)
    throw new InvalidIdempotencyKeyError(
      'enqueueMany takes no idempotency key: send each job with its own enqueue',
    );
}

/**
 * A replay says it is one (`Idempotent-Replayed: true`) when its call has
 * the HTTP answer to itself; in a batch, each answer's `replayed` says it.
 */
export function announceReplay(
  result: { replayed: boolean },
  http: HttpExchange | null,
): void {
  if (result.replayed && http && !http.batched)
    http.setHeader('Idempotent-Replayed', 'true');
}
