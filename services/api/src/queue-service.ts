import {
  createProducer,
  type EnqueueRequestInput,
  type EnqueueResult,
  type Producer,
  type AnyRegistry,
  type QueueName,
} from '@conveyor/jobs';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface Readiness {
  ready: boolean;
  redis: 'up' | 'down';
  maxmemoryPolicy?: string;
  warnings: string[];
}

const READINESS_TIMEOUT_MS = 1_000;

/**
 * The API's door to the queues: owns the Redis connection and the producer
 * (and with it the BullMQ Queue instances). Procedures talk to this, never to
 * BullMQ, so job lifecycle operations land here as they are added.
 */
export class QueueService<TRegistry extends AnyRegistry = AnyRegistry> {
  private readonly producer: Producer<TRegistry>;

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
