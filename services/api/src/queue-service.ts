import {
  createProducer,
  type AnyRegistry,
  type EnqueueManyRequestInput,
  type EnqueueRequestInput,
  type EnqueueResult,
  type Producer,
  type QueueName,
} from '@conveyor/jobs';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { JobControl } from './job-control.ts';
import { JobEventHub } from './job-events.ts';
import { JobStore } from './job-store.ts';
import type { JobState } from './job-view.ts';

export type QueueStats = Record<
  QueueName,
  Record<Exclude<JobState, 'cancelled'>, number>
>;

export interface Readiness {
  ready: boolean;
  redis: 'up' | 'down';
  maxmemoryPolicy?: string;
  warnings: string[];
}

const READINESS_TIMEOUT_MS = 1_000;

/**
 * The API's door to the queues: owns the Redis connection, the producer (and
 * with it the BullMQ Queue instances), the job store, controls and event
 * hub. Procedures talk to this, never to BullMQ.
 */
export class QueueService<TRegistry extends AnyRegistry = AnyRegistry> {
  private readonly producer: Producer<TRegistry>;
  readonly store: JobStore<TRegistry>;
  readonly control: JobControl<TRegistry>;
  readonly events: JobEventHub;

  constructor(
    readonly registry: TRegistry,
    private readonly redis: Redis,
    private readonly logger: Logger,
    prefix: string,
  ) {
    this.producer = createProducer({
      registry,
      redis,
      prefix,
      onError: () => undefined, // the connection itself logs outages (redis-connection.ts)
    });
    this.store = new JobStore(registry, redis, prefix, (name) =>
      this.producer.queue(name),
    );
    this.control = new JobControl(this.store);
    this.events = new JobEventHub(redis, prefix, registry.queues, logger);
  }

  enqueueMany(
    request: EnqueueManyRequestInput<TRegistry['jobs']>,
  ): ReturnType<Producer<TRegistry>['enqueueMany']> {
    return this.producer.enqueueMany(request);
  }

  /** Jobs per Conveyor state, per queue. Cancelled active jobs count as failed here. */
  async stats(): Promise<QueueStats> {
    const counts = await this.jobCounts();
    const stats = {} as QueueStats;
    for (const [queue, c] of Object.entries(counts)) {
      stats[queue as QueueName] = {
        waiting:
          (c.waiting ?? 0) +
          (c.prioritized ?? 0) +
          (c['waiting-children'] ?? 0),
        delayed: c.delayed ?? 0,
        active: c.active ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
      };
    }
    return stats;
  }

  enqueue<TRequest extends EnqueueRequestInput<TRegistry['jobs']>>(
    request: TRequest,
  ): Promise<EnqueueResult<TRequest['name']>> {
    return this.producer.enqueue(request);
  }

  /** BullMQ's job counts per state, for every queue the registry uses. */
  async jobCounts(): Promise<Record<string, Record<string, number>>> {
    const entries = await Promise.all(
      this.registry.queues.map(
        async (queue: QueueName) =>
          [queue, await this.producer.queue(queue).getJobCounts()] as const,
      ),
    );
    return Object.fromEntries(entries);
  }

  /**
   * Redis answers, and is configured not to evict keys: with any other
   * maxmemory-policy, Redis under memory pressure silently deletes jobs.
   * A wrong policy is reported but keeps the API ready (it can still work).
   */
  async readiness(): Promise<Readiness> {
    try {
      const info = await withTimeout(
        this.redis.info('memory'),
        READINESS_TIMEOUT_MS,
      );
      const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
      const warnings =
        policy && policy !== 'noeviction'
          ? [
              `Redis maxmemory-policy is "${policy}"; set it to "noeviction" or jobs may be evicted`,
            ]
          : [];
      return {
        ready: true,
        redis: 'up',
        ...(policy ? { maxmemoryPolicy: policy } : {}),
        warnings,
      };
    } catch (error) {
      this.logger.debug({ err: error }, 'readiness check failed');
      return { ready: false, redis: 'down', warnings: [] };
    }
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.producer.close();
    this.redis.disconnect();
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${ms} ms`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
