import { PLATFORM_JOB_DEFAULTS } from '@conveyor/core';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';

/**
 * Every job is also listed in a per-queue, per-tenant sorted set scored by
 * creation time, which gives `jobs.list` a newest-first order that does not
 * change while jobs move between BullMQ's state lists. The entry is written
 * by the tenant's admission script, atomically with it and before the add,
 * so the index can never turn a stored job into an error. Entries outlive
 * their jobs for at most the longest retention; a trim runs now and then.
 */
const KEEP_MS = (PLATFORM_JOB_DEFAULTS.removeOnFail.age + 24 * 60 * 60) * 1_000;
const KEEP_COUNT = 200_000;
const TRIM_EVERY = 1_000;

export class JobIndex {
  private addsSinceTrim = new Map<string, number>();
  private sequence = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
  ) {}

  /**
   * Score = ms × 1000 + a sequence: a bulk add shares one timestamp, and
   * equal scores would make cursor pagination over ties fragile.
   */
  score(createdAt: number): number {
    this.sequence = (this.sequence + 1) % 1_000;
    return createdAt * 1_000 + this.sequence;
  }

  /** `added` for each queue of a batch (one enqueue is nearly always one queue). */
  addedAll(tenant: string, jobs: readonly { queue: string }[]): void {
    const queue = jobs[0]?.queue;
    if (queue === undefined) return;
    if (jobs.every((j) => j.queue === queue)) {
      this.added(queue, tenant, jobs.length);
      return;
    }
    for (const name of new Set(jobs.map((j) => j.queue)))
      this.added(name, tenant, jobs.filter((j) => j.queue === name).length);
  }

  /** Counts adds to a tenant's index and trims it every TRIM_EVERY, in the background. */
  added(queue: string, tenant: string, count: number): void {
    const key = this.keys.index(queue, tenant);
    const adds = (this.addsSinceTrim.get(key) ?? 0) + count;
    this.addsSinceTrim.set(key, adds >= TRIM_EVERY ? 0 : adds);
    if (adds < TRIM_EVERY) return;
    this.redis
      .multi()
      .zremrangebyscore(key, '-inf', `(${(Date.now() - KEEP_MS) * 1_000}`)
      .zremrangebyrank(key, 0, -(KEEP_COUNT + 1))
      .exec()
      .catch(() => undefined); // the next trim will do
  }
}
