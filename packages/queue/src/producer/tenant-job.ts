import { deduplicatedOptions } from './deduplication.ts';
import type { PreparedJob } from './prepare-job.ts';
import type { EnqueueDeduplication } from './producer-options.ts';

/** A prepared job, stamped with its tenant (in the envelope, where readers and the worker find it). */
export type TenantJob = PreparedJob & {
  tenant: string;
  /** Set once stored, when deduplication made something else of the enqueue. */
  deduplicated?: EnqueueDeduplication;
  /** Set when an idempotency key answered a job an earlier request stored. */
  replayed?: boolean;
};

export function forTenant(prepared: PreparedJob, tenant: string): TenantJob {
  return {
    ...prepared,
    envelope: { ...prepared.envelope, tenantId: tenant },
    bullOptions: deduplicatedOptions(prepared, tenant),
    tenant,
  };
}

/** The same job under another id (an idempotency key's claimed one). */
export function withId(prepared: TenantJob, id: string): TenantJob {
  return id === prepared.id
    ? prepared
    : { ...prepared, id, bullOptions: { ...prepared.bullOptions, jobId: id } };
}
