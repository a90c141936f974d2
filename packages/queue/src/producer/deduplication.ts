import type { DeduplicateMode, RuntimeDeduplicate } from '@conveyor/core';
import type { DeduplicationOptions, JobsOptions } from 'bullmq';
import type { PreparedJob } from './prepare-job.ts';

/**
 * BullMQ's deduplication id for a job's key: tenant first, so two tenants'
 * "42" never share a job. Tenant ids and job names hold no `:`, so the
 * tenant and job parts cannot run into each other whatever the key is.
 */
export function deduplicationId(
  tenant: string,
  jobName: string,
  key: string,
): string {
  return `${tenant}:${jobName}:${key}`;
}

/** The caller's key back from a deduplication id (everything after tenant and job). */
export function deduplicationKeyOf(id: string): string {
  const afterTenant = id.indexOf(':');
  const afterJob = id.indexOf(':', afterTenant + 1);
  return afterTenant < 0 || afterJob < 0 ? id : id.slice(afterJob + 1);
}

/**
 * The job's BullMQ options with its deduplication: BullMQ 6.7's own modes
 * (its "simple", "throttle" and "debounce" modes, `keepLastIfActive`). The
 * debounce modes delay the job by the ttl, each enqueue restarting it (never
 * less than the caller's own delay).
 */
export function withDeduplication(
  bull: JobsOptions,
  spec: RuntimeDeduplicate,
  id: string,
): JobsOptions {
  const ttl = spec.ttlMs ?? undefined;
  const options: DeduplicationOptions = { id };
  if (spec.mode !== 'simple' && ttl !== undefined) options.ttl = ttl;
  if (spec.mode === 'debounce' || spec.mode === 'keep-last-if-active') {
    options.extend = true;
    options.replace = true;
  }
  if (spec.mode === 'keep-last-if-active') options.keepLastIfActive = true;
  const delay =
    options.replace && ttl !== undefined
      ? Math.max(bull.delay ?? 0, ttl)
      : bull.delay;
  return {
    ...bull,
    ...(delay ? { delay } : {}),
    deduplication: options,
  };
}

/** A prepared job's BullMQ options for its tenant: with its deduplication, if it has one. */
export function deduplicatedOptions(
  prepared: PreparedJob,
  tenant: string,
): JobsOptions {
  const { job, deduplicationKey, bullOptions } = prepared;
  if (!job.deduplicate || deduplicationKey === null) return bullOptions;
  const id = deduplicationId(tenant, job.name, deduplicationKey);
  return withDeduplication(bullOptions, job.deduplicate, id);
}

/** The mode a job was added with, read back from its stored BullMQ options. */
export function deduplicateModeOf(
  options: DeduplicationOptions,
): DeduplicateMode {
  if (options.keepLastIfActive) return 'keep-last-if-active';
  if (options.replace) return 'debounce';
  return options.ttl ? 'throttle' : 'simple';
}
