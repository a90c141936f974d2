import type { AnyRegistry, QueueName } from '@conveyor/core';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keyspace } from '../keyspace.ts';
import type { RedisCapacityWatch } from '../redis-capacity-watch.ts';
import type { AttemptGate } from './attempt-gate.ts';
import type { JobObserver } from './job-observer.ts';
import type { ProcessorMap } from './processor.ts';

export interface WorkerPoolOptions<TRegistry extends AnyRegistry> {
  registry: TRegistry;
  processors: ProcessorMap<TRegistry>;
  /** Shared by the workers: `createRedisClient(url, { preset: 'worker' })`. */
  redis: Redis;
  logger: Logger;
  /** The key layout (and so the BullMQ prefix); `conveyor` when omitted. */
  keys?: Keyspace;
  /** Jobs run at once per queue. */
  concurrency?: number;
  /** Serve only these queues (default: every queue the registry uses). */
  queues?: readonly QueueName[];
  /**
   * How long a job lock lives between renewals (renewed every half of it):
   * default 10 s. A processor that blocks the event loop longer loses its
   * lock; declare it `isolated`. See stall-policy.ts for the recovery bound.
   */
  lockDuration?: number;
  /** How often stalled jobs are looked for (default: half the lock). */
  stalledInterval?: number;
  /**
   * How many times a job may be recovered from a dead worker before it fails
   * (default 10; BullMQ's own default of 1 fails a job on its second crash).
   * Stalls do not use attempts.
   */
  maxStalls?: number;
  /** How often active jobs' cancel requests are polled (pub/sub is immediate). */
  cancelPollMs?: number;
  /**
   * Redis memory, watched (`watchRedisCapacity`): while Redis refuses writes
   * for lack of memory the workers hold, and resume by themselves.
   */
  capacity?: RedisCapacityWatch;
  /**
   * Told around every attempt and of every lifecycle event (completed,
   * retrying, failed, stalled, cancelled, schedule.missed), in this order,
   * after tracing's and the built-in event log: metrics, history, webhooks.
   */
  observers?: readonly JobObserver[];
  /**
   * An OpenTelemetry span per attempt, continuing the trace its enqueue
   * stored in the envelope (`conveyor.process {name}`, `conveyor.wait`).
   * Default: on when an OpenTelemetry SDK is registered in this process
   * (`startTracing` with an OTLP endpoint); off, nothing is added per job.
   */
  tracing?: boolean;
  /**
   * Asked before an attempt runs whether it runs at all. Serving contract
   * schedules, pass `firedTickGate` (@conveyor/schedules): without it a tick
   * BullMQ's scheduler fires runs unadmitted (no tenant quota, no missed-tick
   * policy, not listed in its tenant's index).
   */
  gate?: AttemptGate;
  /**
   * How long after its enqueue a job of a name this worker's contract does
   * not have is handed back (a newer release added the job during a rolling
   * deploy) rather than failed as having no processor. Default 15 min; 0
   * fails such jobs at once.
   */
  unknownJobGraceMs?: number;
}

export interface WorkerPool {
  readonly workers: readonly Worker[];
  /** Attempts running now (the progress watchdog: running ones are progress enough). */
  activeAttempts(): number;
  /** Resolves once every worker is connected and taking jobs. */
  ready(): Promise<void>;
  /**
   * Stops taking jobs and waits up to `graceMs` for active ones. Jobs still
   * running then are not failed: their lock lapses and BullMQ's stalled-job
   * check hands them to another worker. Returns the ids left that way.
   */
  close(graceMs?: number): Promise<string[]>;
}
