import type {
  AnyRegistry,
  EnqueueManyRequest,
  EnqueueRequest,
  JobView,
  QueueName,
  QueueStats,
} from '@conveyor/jobs';
import {
  Cancellation,
  createKeyspace,
  createProducer,
  JobControl,
  JobEventHub,
  JobReader,
  listDeadLetters,
  listJobs,
  redrive,
  redriveMany,
  watchJob,
  withDeadline,
  type DeadLetterFilter,
  type ListQuery,
  type Producer,
} from '@conveyor/queue';
import { JobNotFoundError } from '@conveyor/jobs';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface Readiness {
  ready: boolean;
  redis: 'up' | 'down';
  maxmemoryPolicy?: string;
  warnings: string[];
}

export interface QueueServiceOptions<TRegistry extends AnyRegistry> {
  registry: TRegistry;
  /** Fail-fast: `createRedisClient(url, { preset: 'api' })`. */
  redis: Redis;
  logger: Logger;
  /** BullMQ key prefix; `conveyor` when omitted. */
  prefix?: string;
}

const READINESS_TIMEOUT_MS = 1_000;

/**
 * The API's door to the queues: every procedure is one call here. It owns
 * the Redis connection, the producer (and with it the BullMQ queues), the
 * job reader, controls and the event hub; procedures never see BullMQ.
 */
export class QueueService<TRegistry extends AnyRegistry = AnyRegistry> {
  readonly registry: TRegistry;
  private readonly redis: Redis;
  private readonly logger: Logger;
  private readonly producer: Producer<TRegistry>;
  private readonly reader: JobReader<TRegistry>;
  private readonly control: JobControl<TRegistry>;
  private readonly events: JobEventHub;

  constructor(options: QueueServiceOptions<TRegistry>) {
    const { registry, redis, logger } = options;
    const keys = createKeyspace(options.prefix);
    this.registry = registry;
    this.redis = redis;
    this.logger = logger;
    // The connection itself logs outages (createRedisClient).
    this.producer = createProducer({
      registry,
      redis,
      keys,
      onError: () => undefined,
    });
    this.reader = new JobReader({
      registry,
      redis,
      keys,
      queue: (name) => this.producer.queue(name),
      cancellation: new Cancellation(redis, keys),
    });
    this.control = new JobControl(this.reader);
    this.events = new JobEventHub(redis, keys, registry.queues, logger);
  }

  /**
   * For a request the procedure's input already parsed with
   * `registry.enqueueRequest`: the producer does not parse it again. Hosts
   * with unparsed requests use `createInProcessClient` or the producer.
   */
  enqueueParsed(request: EnqueueRequest<TRegistry['jobs']>) {
    return this.producer.enqueueParsed(request);
  }

  /** The same, for `registry.enqueueManyRequest`. */
  enqueueManyParsed(request: EnqueueManyRequest<TRegistry['jobs']>) {
    return this.producer.enqueueManyParsed(request);
  }

  async get(id: string): Promise<JobView<TRegistry>> {
    const found = await this.reader.find(id);
    if (!found) throw new JobNotFoundError(id);
    return this.reader.view(found);
  }

  list(query: ListQuery) {
    return listJobs(this.reader, query);
  }

  watch(
    input: { id: string; lastEventId?: string | null | undefined },
    signal: AbortSignal | undefined,
  ) {
    return watchJob(this.reader, this.events, input, signal);
  }

  cancel(id: string) {
    return this.control.cancel(id);
  }

  retry(id: string) {
    return this.control.retry(id);
  }

  promote(id: string) {
    return this.control.promote(id);
  }

  deadLetters(
    query: DeadLetterFilter & { limit: number; cursor?: string | undefined },
  ) {
    return listDeadLetters(this.reader, query);
  }

  redrive(id: string) {
    return redrive(this.reader, id);
  }

  redriveMany(filter: DeadLetterFilter & { max: number }) {
    return redriveMany(this.reader, filter);
  }

  /** Jobs per state, per queue. Cancelled active jobs count as failed here. */
  async stats(): Promise<QueueStats> {
    const counts = await Promise.all(
      this.registry.queues.map(
        async (queue: QueueName) =>
          [queue, await this.producer.queue(queue).getJobCounts()] as const,
      ),
    );
    const stats = {} as QueueStats;
    for (const [queue, c] of counts) {
      stats[queue] = {
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

  /**
   * Redis answers, and is configured not to evict keys: with any other
   * maxmemory-policy, Redis under memory pressure silently deletes jobs.
   * A wrong policy is reported but keeps the API ready (it can still work).
   */
  async readiness(): Promise<Readiness> {
    try {
      const info = await withDeadline(
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
