import { Redis } from 'ioredis';
import type { RedisRow } from './soak-report.ts';

const QUEUE = 'default';

/**
 * The soak's own view of Redis, on one connection it leaves out of the
 * client count. It reads BullMQ's state structures of TEST_JOB's queue
 * directly, found by their `events` stream, so it needs none of the
 * services' code: the key layout is whatever the built services wrote.
 */
export class RedisCensus {
  private readonly redis: Redis;
  private base: string | undefined;
  private ownId: number | undefined;

  constructor(url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: null });
  }

  /** Jobs waiting to be picked up. */
  async waiting(): Promise<number> {
    const [wait = 0, prioritized = 0] = await this.read([
      'wait',
      'prioritized',
    ]);
    return wait + prioritized;
  }

  /** Jobs not yet completed or failed. */
  async unfinished(): Promise<number> {
    const counts = await this.read([
      'wait',
      'paused',
      'prioritized',
      'active',
      'delayed',
      'waiting-children',
    ]);
    return counts.reduce((sum, n) => sum + n, 0);
  }

  async row(jobs: number): Promise<RedisRow> {
    this.ownId ??= Number(await this.redis.call('CLIENT', 'ID'));
    const [clients, memory, keys, [completed = 0, failed = 0]] =
      await Promise.all([
        this.redis.call('CLIENT', 'LIST') as Promise<string>,
        this.redis.info('memory'),
        this.redis.dbsize(),
        this.read(['completed', 'failed']),
      ]);
    const others = clients
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('id=') && !line.startsWith(`id=${this.ownId} `),
      );
    const used = Number(/used_memory:(\d+)/.exec(memory)?.[1] ?? 0);
    return {
      jobs,
      clients: others.length,
      usedMemoryMB: Math.round((used / 2 ** 20) * 10) / 10,
      keys,
      completedKept: completed,
      failed,
    };
  }

  async version(): Promise<string> {
    const info = await this.redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  }

  close(): void {
    this.redis.disconnect();
  }

  /** Sizes of BullMQ state keys (lists or sorted sets); zeros before the first job. */
  private async read(states: readonly string[]): Promise<number[]> {
    const base = await this.queueBase();
    if (!base) return states.map(() => 0);
    const pipeline = this.redis.pipeline();
    for (const state of states) {
      const key = `${base}:${state}`;
      if (['wait', 'paused', 'active'].includes(state)) pipeline.llen(key);
      else pipeline.zcard(key);
    }
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, n]) => {
      if (error) throw error;
      return Number(n);
    });
  }

  /** `<prefix>:default` as BullMQ spells it, from the queue's events stream. */
  private async queueBase(): Promise<string | undefined> {
    if (this.base) return this.base;
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(
        cursor,
        'MATCH',
        `*${QUEUE}:events`,
        'COUNT',
        1_000,
      );
      cursor = next;
      const key = found.find((k) => k.endsWith(`:${QUEUE}:events`));
      if (key) this.base = key.slice(0, -':events'.length);
    } while (!this.base && cursor !== '0');
    return this.base;
  }
}
