import type {
  AnyRegistry,
  DurabilitySpec,
  EnqueueManyRequest,
  EnqueueManyRequestInput,
  EnqueueRequest,
  EnqueueRequestInputFor,
  JobName,
  QueueName,
} from '@conveyor/core';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import type { TenantLedger } from '../tenancy/tenant-ledger.ts';
import type { TenantLimitPolicy } from '../tenancy/tenant-limits.ts';

/** An enqueue that has not reached Redis by then fails rather than hang a request. */
export const DEFAULT_ENQUEUE_TIMEOUT_MS = 1_500;

export interface ProducerOptions<TRegistry extends AnyRegistry> {
  registry: TRegistry;
  /**
   * Shared by every queue. Make it fail fast (`createRedisClient(url, {
   * preset: 'producer' })`): commands then fail at once while Redis is down
   * instead of piling up in memory.
   */
  redis: Redis;
  /** The key layout (and so the BullMQ prefix); `conveyor` when omitted. */
  keys?: Keyspace;
  /**
   * The tenant `enqueue`/`enqueueMany` stamp on every job: given explicitly,
   * never read from a payload. (The API passes each caller's tenant to the
   * `…Parsed` entries instead.)
   */
  tenantId: string;
  /** Quotas and rate limits per tenant; none when omitted (a trusted in-process producer). */
  limits?: TenantLimitPolicy;
  timeoutMs?: number;
  /**
   * Replicated acknowledgements: an enqueue answers once this many replicas
   * confirmed the job (Redis `WAIT`), else outcome-unknown. A job's
   * contract may ask more (`durability`). Off (0 replicas) when omitted.
   */
  replicatedAck?: DurabilitySpec;
  /** Connection-level errors from BullMQ; without a listener they would crash the process. */
  onError?: (error: Error) => void;
}

export interface EnqueueResult<TName extends string = string> {
  /** The job this enqueue became (for a `joined` deduplication, the existing one's). */
  id: string;
  name: TName;
  queue: QueueName;
  /**
   * True when the idempotency key answered the job an earlier request
   * stored (nothing new was enqueued); false for every other enqueue.
   */
  replayed: boolean;
  /** Present when the job's `deduplicate` spec folded this enqueue into another job. */
  deduplicated?: EnqueueDeduplication;
}

/**
 * What deduplication made of an enqueue (`into` is always the answer's `id`):
 * - `joined`: an existing job of the key answered; nothing new was stored;
 * - `replaced`: a new job took the place of the waiting job `replaced`
 *   (debounce), which is gone with its data;
 * - `next`: the job of the key is running; this one runs once after `after`
 *   finishes (keep-last-if-active), unless a later enqueue replaces it.
 */
export type EnqueueDeduplication =
  | { outcome: 'joined'; into: string }
  | { outcome: 'replaced'; into: string; replaced: string }
  | { outcome: 'next'; into: string; after: string };

type Jobs<TRegistry extends AnyRegistry> = TRegistry['jobs'];
type Name<TRegistry extends AnyRegistry> = JobName<Jobs<TRegistry>>;

export interface Producer<TRegistry extends AnyRegistry> {
  /**
   * Validates the request with the job's schema, applies the job's defaults
   * and the caller's options, and adds it to its queue. Throws
   * `UnknownJobError`, `InvalidPayloadError`, `IdempotencyConflictError`
   * (nothing enqueued), `IdempotencyInFlightError` (the key's first
   * enqueue is still under way: retry shortly) or `QueueUnavailableError`.
   */
  enqueue<TName extends Name<TRegistry>>(
    request: EnqueueRequestInputFor<Jobs<TRegistry>, TName>,
  ): Promise<EnqueueResult<TName>>;
  /**
   * Validates every request first: if any is invalid nothing is enqueued and
   * the error's issues name each failing index (`['jobs', 3, 'data', 'to']`).
   * Otherwise all are added in one atomic Redis transaction.
   */
  enqueueMany(
    request: EnqueueManyRequestInput<Jobs<TRegistry>>,
  ): Promise<{ jobs: EnqueueResult<Name<TRegistry>>[] }>;
  /**
   * For a caller that already parsed the request with the registry's schema
   * (the API's tRPC input): no second parse, so transforms run once. The
   * tenant is the caller's, from its token.
   */
  enqueueParsed(
    request: EnqueueRequest<Jobs<TRegistry>>,
    tenantId: string,
  ): Promise<EnqueueResult<Name<TRegistry>>>;
  enqueueManyParsed(
    request: EnqueueManyRequest<Jobs<TRegistry>>,
    tenantId: string,
  ): Promise<{ jobs: EnqueueResult<Name<TRegistry>>[] }>;
  /** Unfinished jobs, totals and limits per tenant. */
  readonly ledger: TenantLedger;
  /** The BullMQ queue behind a queue name, for reads and administration. */
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}
