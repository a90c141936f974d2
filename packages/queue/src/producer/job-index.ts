import { PLATFORM_JOB_DEFAULTS } from '@conveyor/jobs';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';

/**
 * Every job is also listed in a per-queue, per-tenant sorted set scored by creation time,
 * which gives `jobs.list` a newest-first order that does not change while
 * jobs move between BullMQ's state lists. Entries outlive their jobs for at
 * most the longest retention; a trim runs now and then, not on every add.
 */
const KEEP_MS = (PLATFORM_JOB_DEFAULTS.removeOnFail.age + 24 * 60 * 60) * 1_000;
const KEEP_COUNT = 200_000;
const TRIM_EVERY = 1_000;

export class JobIndex {
  private addsSinceTrim = new Map<string, number>();
  private sequence = 0;
  /** Entries waiting for the next write, per index key, with the callers to tell. */
  private pending = new Map<
    string,
    {
      members: (string | number)[];
      waiters: { resolve: () => void; reject: (e: unknown) => void }[];
    }
  >();
  private scheduled = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
  ) {}

  /**
   * Adds jobs to a queue's index. Enqueues issued in the same turn of the
   * event loop share one ZADD (one write instead of one per job), and each
   * caller still waits for its entry to be stored before it returns, so a
   * job is listed as soon as its enqueue has answered.
   */
  record(
    queue: string,
    tenant: string,
    entries: { id: string; createdAt: number }[],
  ): Promise<void> {
    const key = this.keys.index(queue, tenant);
    const batch = this.pending.get(key) ?? { members: [], waiters: [] };
    for (const entry of entries) {
      // Score = ms × 1000 + a sequence: a bulk add shares one timestamp, and
      // equal scores would make cursor pagination over ties fragile.
      this.sequence = (this.sequence + 1) % 1_000;
      batch.members.push(entry.createdAt * 1_000 + this.sequence, entry.id);
    }
    this.pending.set(key, batch);
    const stored = new Promise<void>((resolve, reject) =>
      batch.waiters.push({ resolve, reject }),
    );
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return stored;
  }

  private flush(): void {
    this.scheduled = false;
    const batches = this.pending;
    this.pending = new Map();
    for (const [key, { members, waiters }] of batches) {
      this.write(key, members).then(
        () => waiters.forEach((w) => w.resolve()),
        (error: unknown) => waiters.forEach((w) => w.reject(error)),
      );
    }
  }

  private async write(
    key: string,
    members: (string | number)[],
  ): Promise<void> {
    const adds = (this.addsSinceTrim.get(key) ?? 0) + members.length / 2;
    this.addsSinceTrim.set(key, adds >= TRIM_EVERY ? 0 : adds);
    if (adds < TRIM_EVERY) {
      await this.redis.zadd(key, ...members);
      return;
    }
    await Promise.all([
      this.redis.zadd(key, ...members),
      this.redis.zremrangebyscore(
        key,
        '-inf',
        `(${(Date.now() - KEEP_MS) * 1_000}`,
      ),
      this.redis.zremrangebyrank(key, 0, -(KEEP_COUNT + 1)),
    ]);
  }
}
