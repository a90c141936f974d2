import { flowKeyOf, type RuntimeJob } from '@conveyor/core';

/** Where a job with a flow spec waits, and the limits the dispatch applies to it. */
export interface FlowPlan {
  /** `tenant:job:key` (key empty without one). */
  lane: string;
  /** The job hash's `cvf` field: what the Lua scripts read (flow-lua.ts). */
  cvf: string;
  /** BullMQ's priority (0 = none): the order inside the lane. */
  priority: number;
}

/** The job's partition key for this input ('' without a key function); throws FlowKeyError on a bad one. */
export function flowKey(job: RuntimeJob, input: unknown): string {
  return job.flow?.key ? flowKeyOf(job.name, job.flow.key, input) : '';
}

/**
 * The plan of one job of `job` for `tenant`, or null when the job has no
 * flow spec. The producer and the worker compute the same plan from the
 * same contract and input.
 */
export function planFlow(
  job: RuntimeJob,
  tenant: string,
  key: string,
  priority: number | undefined,
): FlowPlan | null {
  const { flow } = job;
  if (!flow) return null;
  const lane = `${tenant}:${job.name}:${key}`;
  const spec: { l: string; c?: number; r?: [number, number, string] } = {
    l: lane,
  };
  if (flow.concurrency !== null) spec.c = flow.concurrency;
  if (flow.rateLimit) {
    // With a key, a bucket per tenant and key; without, one for the job.
    const bucket = flow.key ? lane : `*:${job.name}:`;
    spec.r = [flow.rateLimit.max, flow.rateLimit.perMs, bucket];
  }
  return { lane, cvf: JSON.stringify(spec), priority: priority ?? 0 };
}
