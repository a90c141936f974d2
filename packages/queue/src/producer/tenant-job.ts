import { deduplicatedOptions } from './deduplication.ts';
import type { PreparedJob } from './prepare-job.ts';
import type {
  EnqueueDeduplication,
  EnqueueResult,
} from './producer-options.ts';

/** A prepared job, stamped with its tenant (in the envelope, where readers and the worker find it). */
export type TenantJob = PreparedJob & {
  tenant: string;
  /** Set once stored, when deduplication made something else of the enqueue. */
  deduplicated?: EnqueueDeduplication;
  /** Set when an idempotency key answered a job an earlier request stored. */
  replayed?: boolean;
};

/**
 * Stamps a job `prepareJob` has just made (the caller's own, shared with
 * nobody) in place: copies of it were a measurable share of the producer's
 * garbage. The envelope gains `tenantId` last, as a copy would have it.
 */
export function forTenant(prepared: PreparedJob, tenant: string): TenantJob {
  const stamped = prepared as TenantJob;
  stamped.envelope.tenantId = tenant;
  stamped.bullOptions = deduplicatedOptions(prepared, tenant);
  stamped.tenant = tenant;
  return stamped;
}

/** The same job under another id (an idempotency key's claimed one). */
export function withId(prepared: TenantJob, id: string): TenantJob {
  return id === prepared.id
    ? prepared
    : { ...prepared, id, bullOptions: { ...prepared.bullOptions, jobId: id } };
}

/** What an enqueue answers for a stored job. */
export const enqueueResultOf = (p: TenantJob): EnqueueResult => ({
  id: p.id,
  name: p.job.name,
  queue: p.job.queue,
  replayed: p.replayed === true,
  ...(p.deduplicated ? { deduplicated: p.deduplicated } : {}),
});
