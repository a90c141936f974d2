import type { AnyRegistry } from '@conveyor/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keyspace } from '../keyspace.ts';
import { FlowDispatcher } from './flow-dispatcher.ts';
import { FlowGate } from './flow-gate.ts';

/** One queue's flow control in a worker process. */
export interface QueueFlow {
  gate: FlowGate;
  dispatcher: FlowDispatcher;
}

export interface QueueFlowOptions {
  redis: Redis;
  keys: Keyspace;
  registry: AnyRegistry;
  logger: Logger;
  /** The worker's concurrency for the queue: how many dispatched jobs wait in BullMQ's list. */
  concurrency: number;
  lockDuration: number;
}

/**
 * A dispatched job that has not started after this long gives its slot up
 * (a worker may have died between the dispatch and the start): several lock
 * durations, and never under a minute.
 */
export function slotGraceMs(lockDuration: number): number {
  return Math.max(60_000, lockDuration * 3);
}

/** The queue's flow control, or null when none of its jobs declares a flow spec. */
export function createQueueFlow(
  queue: string,
  options: QueueFlowOptions,
): QueueFlow | null {
  const { registry } = options;
  const flows = registry.names
    .map((name: string) => registry.get(name))
    .some((job) => job?.queue === queue && job.flow !== null);
  if (!flows) return null;
  const graceMs = slotGraceMs(options.lockDuration);
  const dispatcher = new FlowDispatcher({
    redis: options.redis,
    keys: options.keys,
    queue,
    logger: options.logger,
    target: options.concurrency,
    graceMs,
  });
  const gate = new FlowGate({
    redis: options.redis,
    keys: options.keys,
    registry,
    queue,
    dispatcher,
    graceMs,
  });
  return { gate, dispatcher };
}

/**
 * Applies the registry's global concurrency to the queue (BullMQ keeps it in
 * the queue's `meta` hash, as `Queue.setGlobalConcurrency` does). A limit
 * Conveyor set is marked (`cv-concurrency`), so a deploy that drops the
 * declaration lifts it, while one an operator set by hand is left alone.
 */
export async function applyQueueSettings(
  redis: Redis,
  keys: Keyspace,
  registry: AnyRegistry,
  queues: readonly string[],
): Promise<void> {
  for (const queue of queues) {
    const limit = registry.queueSettings(queue).globalConcurrency;
    const meta = keys.bull(queue, 'meta');
    if (limit !== null)
      await redis.hset(meta, 'concurrency', limit, 'cv-concurrency', limit);
    else if ((await redis.hget(meta, 'cv-concurrency')) !== null)
      await redis.hdel(meta, 'concurrency', 'cv-concurrency');
  }
}

/** The flow control of each served queue that needs one, its dispatcher started. */
export function startQueueFlows(
  queues: readonly string[],
  options: QueueFlowOptions,
): Map<string, QueueFlow> {
  const flows = new Map<string, QueueFlow>();
  for (const queue of queues) {
    const flow = createQueueFlow(queue, options);
    if (!flow) continue;
    flows.set(queue, flow);
    flow.dispatcher.start();
  }
  return flows;
}
