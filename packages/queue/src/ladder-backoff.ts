import { durationMs, type BackoffPolicy } from '@conveyor/core';
import type { BackoffOptions } from 'bullmq';

/**
 * BullMQ knows fixed and exponential backoff; a ladder travels as a custom
 * kind whose name carries its steps (`conveyor.ladder:60000,300000`), so a
 * job's stored options say everything the worker needs, whichever contract
 * version the worker runs.
 */
const LADDER = 'conveyor.ladder:';

/** The options BullMQ stores for a policy. */
export function toBullBackoff(policy: BackoffPolicy): BackoffOptions {
  if (policy.type !== 'ladder') return policy;
  const steps = policy.delays.map(durationMs);
  return {
    type: `${LADDER}${steps.join(',')}`,
    delay: steps[0] ?? 0,
    ...(policy.jitter === undefined ? {} : { jitter: policy.jitter }),
  };
}

/**
 * The wait before the retry after attempt `attemptsMade` of a ladder; null
 * for another kind. Jitter takes up to that share off the step, like
 * BullMQ's own jitter, so waits never exceed the declared step.
 */
export function ladderDelay(
  type: string,
  attemptsMade: number,
  jitter = 0,
): number | null {
  if (!type.startsWith(LADDER)) return null;
  const steps = type.slice(LADDER.length).split(',').map(Number);
  const step =
    steps[Math.min(Math.max(attemptsMade, 1), steps.length) - 1] ?? 0;
  if (!Number.isFinite(step) || step < 0) return 0;
  return jitter > 0 ? Math.floor(step * (1 - jitter * Math.random())) : step;
}
