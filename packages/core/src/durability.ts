import { z } from 'zod';

/**
 * How durable an enqueue's acknowledgement is. Redis replicates
 * asynchronously: a job the primary stored can vanish when a replica is
 * promoted before it received it. With `replicas: N` an enqueue answers
 * only once N replicas confirmed the write (Redis `WAIT`); when they do not
 * within `timeoutMs` the answer is "outcome unknown" (the job is on the
 * primary, and may or may not survive a failover): retry with the key.
 */
export interface Durability {
  /** Replicas that must confirm the job before the enqueue answers; 0 = the primary's word. */
  replicas: number;
  /** How long to wait for them. */
  timeoutMs: number;
}

/** What a contract (or a deployment) may set; the timeout defaults to DEFAULT_DURABILITY's. */
export type DurabilitySpec = { replicas: number; timeoutMs?: number };

/** Today's behaviour: the primary's acknowledgement is the answer. */
export const DEFAULT_DURABILITY: Durability = Object.freeze({
  replicas: 0,
  timeoutMs: 1_000,
});

export const DurabilitySchema = z.strictObject({
  // A primary with more than 16 replicas is not a deployment we can test.
  replicas: z.number().int().min(0).max(16),
  timeoutMs: z.number().int().min(10).max(60_000),
});

/** The contract's `durability`, checked; null when the job leaves it to the deployment. */
export function checkDurability(
  jobName: string,
  spec: DurabilitySpec | undefined,
): Durability | null {
  if (spec === undefined) return null;
  const parsed = DurabilitySchema.safeParse({
    timeoutMs: DEFAULT_DURABILITY.timeoutMs,
    ...spec,
  });
  if (parsed.success) return Object.freeze(parsed.data);
  const problems = parsed.error.issues
    .map((i) => `durability.${i.path.map(String).join('.')}: ${i.message}`)
    .join('; ');
  throw new Error(`Job "${jobName}": ${problems}`);
}

/**
 * What one enqueue waits for: the stricter of the deployment's setting and
 * the job's own (more replicas; the longer wait when both ask for some).
 */
export function effectiveDurability(
  deployment: Durability,
  job: Durability | null,
): Durability {
  if (!job || job.replicas === 0) return deployment;
  if (deployment.replicas === 0) return job;
  return {
    replicas: Math.max(deployment.replicas, job.replicas),
    timeoutMs: Math.max(deployment.timeoutMs, job.timeoutMs),
  };
}
