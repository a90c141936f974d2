import type { AnyRegistry } from '@conveyor/core';

/**
 * WORKER_QUEUES names the app's queues, which the env schema cannot know: a
 * typo would otherwise start a worker that serves nothing and says so nowhere.
 */
export function checkWorkerQueues(
  queues: readonly string[],
  registry: AnyRegistry,
): void {
  const known = registry.queues as readonly string[];
  const unknown = queues.filter((queue) => !known.includes(queue));
  if (unknown.length === 0) return;
  throw new Error(
    `Invalid environment:\n  WORKER_QUEUES: no job uses ${unknown.join(', ')} (queues: ${known.join(', ')})`,
  );
}
