import {
  encodeEnvelope,
  flowKeyOf,
  type EnqueueOptions,
  type EnvelopeTrace,
  type JobEnvelope,
  type RetentionPolicy,
  type RuntimeJob,
  PayloadTooLargeError,
} from '@conveyor/core';
import type { JobsOptions, KeepJobs } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { flowKey } from '../flow/flow-plan.ts';
import { toBullBackoff } from '../ladder-backoff.ts';
import { sealedFingerprint, sealPayload } from '../sensitive/payload-sealer.ts';

/** A validated request, ready to add: its id, envelope and BullMQ options. */
export interface PreparedJob {
  id: string;
  job: RuntimeJob;
  envelope: JobEnvelope;
  options: EnqueueOptions | undefined;
  bullOptions: JobsOptions;
  /** The flow-control partition key ('' without one); null when the job has no flow spec. */
  flowKey: string | null;
  /** The job's deduplication key of this input (its `deduplicate.key`), if it has one. */
  deduplicationKey: string | null;
  /** The idempotency fingerprint of a sealed payload (keyed: see `sealedFingerprint`); absent otherwise. */
  fingerprint?: string;
}

/**
 * Ids are UUIDs chosen here, not BullMQ's counter: unique across queues (a
 * read needs no queue), unguessable, and a cancelled job can be re-added
 * under its own id.
 */
export function prepareJob(
  job: RuntimeJob,
  request: { data: unknown; options?: EnqueueOptions | undefined },
  now: number,
  trace?: EnvelopeTrace,
): PreparedJob {
  const id = randomUUID();
  // Before anything else: a key function that gives no key is the caller's 400.
  const deduplicationKey = job.deduplicate
    ? flowKeyOf(job.name, job.deduplicate.key, request.data)
    : null;
  const sealed = sealPayload(job, 'data', request.data);
  const envelope = encodeEnvelope(sealed.value, {
    version: job.version,
    sealed: sealed.sealed,
  });
  assertPayloadFits(job, envelope);
  // Before anything is stored: a key the contract cannot compute is a 400.
  const key = job.flow ? flowKey(job, request.data) : null;
  // After the size check: whether a request is traced never decides whether it fits.
  if (trace) envelope.trace = trace;
  const prepared: PreparedJob = {
    id,
    job,
    envelope,
    options: request.options,
    bullOptions: toJobsOptions(job, request.options, id, now),
    flowKey: key,
    deduplicationKey,
  };
  if (sealed.sealed && request.options?.idempotencyKey !== undefined)
    prepared.fingerprint = sealedFingerprint(job, request.data);
  return prepared;
}

/** Measured as BullMQ will store it: the envelope's JSON, in UTF-8 bytes. */
function assertPayloadFits(job: RuntimeJob, envelope: JobEnvelope): void {
  const bytes = Buffer.byteLength(JSON.stringify(envelope), 'utf8');
  if (bytes > job.limits.maxPayloadBytes)
    throw new PayloadTooLargeError(job.name, bytes, job.limits.maxPayloadBytes);
}

/** The BullMQ options for one job: platform/job defaults, then what the caller asked. */
export function toJobsOptions(
  job: RuntimeJob,
  options: EnqueueOptions | undefined,
  jobId: string,
  now: number,
): JobsOptions {
  const { defaults } = job;
  const bull: JobsOptions = {
    attempts: defaults.attempts,
    backoff: toBullBackoff(defaults.backoff),
    removeOnComplete: toKeepJobs(defaults.removeOnComplete),
    removeOnFail: toKeepJobs(defaults.removeOnFail),
    jobId,
    timestamp: now,
  };
  if (!options) return bull;
  const delay =
    options.runAt !== undefined
      ? Math.max(0, options.runAt.getTime() - now)
      : options.delay;
  if (delay) bull.delay = delay;
  if (options.priority !== undefined) bull.priority = options.priority;
  if (options.attempts !== undefined) bull.attempts = options.attempts;
  if (options.backoff !== undefined)
    bull.backoff = toBullBackoff(options.backoff);
  return bull;
}

/** BullMQ's retention shape; a policy with neither bound keeps jobs forever. */
function toKeepJobs({ age, count }: RetentionPolicy): KeepJobs | false {
  if (age !== undefined) return count === undefined ? { age } : { age, count };
  return count === undefined ? false : { count };
}
