import type { QueueName } from '@conveyor/core';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import { ADMIT_SCRIPT } from './admit-script.ts';
import { assertAdmitted, type AdmitVerdict } from './admit-verdict.ts';
import type {
  DefaultLimits,
  TenantLimitPolicy,
  TenantLimits,
} from './tenant-limits.ts';
import { TenantLimitsStore } from './tenant-limits-store.ts';

/** A job to admit: its queue and id. */
export interface AdmittedJob {
  queue: QueueName;
  id: string;
}

/**
 * What an admission left to the add: with `openPending`, the jobs' open-set
 * entries, which the add writes in its own transaction (so a refused add
 * leaves none behind); without, the admission wrote them already.
 */
export interface Admission {
  openPending: boolean;
}

/** An admitted job whose add has not happened yet may be this old before healing drops it. */
const ADD_GRACE_MS = 60_000;
/**
 * A tenant's unfinished jobs (one open set per queue) and finished totals:
 * what quotas are checked against and what `queues.stats` reports for a
 * tenant. Jobs join at admission (atomically with the quota and rate check),
 * leave when they finish (the worker), are cancelled or removed. A count
 * that leaked (a crash between two steps) heals: before refusing for quota,
 * every open entry is checked against its job.
 */
export class TenantLedger {
  private readonly limitsStore: TenantLimitsStore;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly queues: readonly QueueName[],
    policy?: TenantLimitPolicy,
  ) {
    this.limitsStore = new TenantLimitsStore(redis, keys, policy);
  }

  /**
   * Admits jobs or throws `QuotaExceededError` (nothing admitted). The quota,
   * the bucket and the jobs' open entries are one script on the tenant's
   * slot: atomic on one Redis and on a Cluster alike. A tenant without limits
   * skips the script; its open entries are then written apart, or, with
   * `openInAdd` on one Redis, left to the add's own transaction (see
   * `Admission`): a Cluster cannot put them there (another slot).
   */
  async admit(
    tenant: string,
    jobs: readonly AdmittedJob[],
    options: { openInAdd?: boolean } = {},
  ): Promise<Admission> {
    // A cache hit (nearly every enqueue) takes no promise of its own.
    const limits =
      this.limitsStore.peek(tenant) ?? (await this.limitsStore.cached(tenant));
    if (limits.maxUnfinished === null && limits.ratePerSecond === null) {
      if (options.openInAdd && !this.redis.isCluster)
        return { openPending: true };
      await this.open(tenant, jobs);
      return { openPending: false };
    }
    let verdict = await this.tryAdmit(tenant, jobs);
    if (verdict[0] === 'quota' && (await this.heal(tenant)) > 0)
      verdict = await this.tryAdmit(tenant, jobs);
    assertAdmitted(tenant, jobs.length, verdict);
    return { openPending: false };
  }

  /** Writes open-set entries outside any add (one ZADD per queue, all on the tenant's slot). */
  private async open(
    tenant: string,
    jobs: readonly AdmittedJob[],
  ): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...groupByQueue(jobs)].map(([queue, ids]) =>
        this.redis.zadd(
          this.keys.open(queue, tenant),
          ...ids.flatMap((id) => [now, id]),
        ),
      ),
    );
  }

  /** Gives admissions back when their add failed. */
  async release(
    tenant: string,
    jobs: readonly { queue: QueueName; id: string }[],
  ): Promise<void> {
    await Promise.all(
      [...groupByQueue(jobs)].map(([queue, ids]) =>
        this.redis.zrem(this.keys.open(queue, tenant), ...ids),
      ),
    );
  }

  /**
   * A job left the unfinished states for good. Finishes reported in the same
   * turn of the event loop share one round of writes (one ZREM per open set,
   * one HINCRBY per total): a busy worker finishes many jobs per turn.
   */
  finish(
    queue: string,
    tenant: string,
    id: string,
    outcome: 'completed' | 'failed' | 'cancelled',
  ): Promise<void> {
    const open = this.keys.open(queue, tenant);
    const ids = this.removals.get(open);
    if (ids) ids.push(id);
    else this.removals.set(open, [id]);
    const total = `${this.keys.counts(queue, tenant)}\n${outcome}`;
    this.totals.set(total, (this.totals.get(total) ?? 0) + 1);
    this.flushing ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        this.flushing = undefined;
        this.flushFinished().then(resolve, reject);
      }),
    );
    return this.flushing;
  }

  /** The turn's finishes: open-set key → ids, and `{counts key}\n{field}` → how many. */
  private removals = new Map<string, string[]>();
  private totals = new Map<string, number>();
  private flushing: Promise<void> | undefined;

  /**
   * Plain commands: a turn's finishes are a few grouped writes (one ZREM per
   * open set, one HINCRBY per total), so a pipeline buys little, and plain
   * commands go to their key's node on a Cluster with no split by slot.
   * (A pipeline here would have to be a lean one: lean-batch.ts.)
   */
  private async flushFinished(): Promise<void> {
    const { removals, totals } = this;
    this.removals = new Map();
    this.totals = new Map();
    const writes: Promise<unknown>[] = [];
    for (const [key, ids] of removals)
      writes.push(this.redis.zrem(key, ...ids));
    for (const [total, count] of totals) {
      const split = total.lastIndexOf('\n');
      writes.push(
        this.redis.hincrby(
          total.slice(0, split),
          total.slice(split + 1),
          count,
        ),
      );
    }
    await Promise.all(writes);
  }

  /**
   * Finished jobs are to run again (retry, redrive, restore): admitted like
   * new ones (quota and rate), or refused whole. They are listed already.
   */
  async readmit(
    tenant: string,
    jobs: readonly { queue: QueueName; id: string }[],
  ): Promise<void> {
    await this.admit(tenant, jobs);
  }

  /**
   * Drops open entries whose job finished or is gone (and was admitted long
   * enough ago that its add cannot still be under way). Returns how many.
   */
  async heal(tenant: string): Promise<number> {
    let dropped = 0;
    for (const queue of this.queues) {
      const key = this.keys.open(queue, tenant);
      const flat = await this.redis.zrange(key, '0', '9999', 'WITHSCORES');
      const entries: { id: string; at: number }[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2)
        entries.push({ id: flat[i] ?? '', at: Number(flat[i + 1]) });
      if (entries.length === 0) continue;
      const reads = this.redis.multi();
      for (const { id } of entries)
        reads.hmget(this.keys.bull(queue, id), 'timestamp', 'finishedOn');
      const replies = (await reads.exec()) ?? [];
      const stale = entries.filter((entry, i) => {
        const [created, finished] = (replies[i]?.[1] ?? []) as (
          string | null
        )[];
        if (finished) return true;
        return !created && Date.now() - entry.at > ADD_GRACE_MS;
      });
      if (stale.length === 0) continue;
      dropped += await this.redis.zrem(key, ...stale.map((e) => e.id));
    }
    return dropped;
  }

  /** Unfinished jobs per queue, and finished totals (one transaction per queue's slot). */
  async counts(tenant: string) {
    return Promise.all(
      this.queues.map(async (queue) => {
        const replies =
          (await this.redis
            .multi()
            .zrange(this.keys.open(queue, tenant), '0', '-1')
            .hmget(
              this.keys.counts(queue, tenant),
              'completed',
              'failed',
              'cancelled',
            )
            .exec()) ?? [];
        const open = (replies[0]?.[1] ?? []) as string[];
        const [completed, failed, cancelled] = (replies[1]?.[1] ?? []) as (
          string | null
        )[];
        return {
          queue,
          open,
          completed: Number(completed ?? 0),
          failed: Number(failed ?? 0),
          cancelled: Number(cancelled ?? 0),
        };
      }),
    );
  }

  /** The limits in force for a tenant: configured, else the policy's. */
  limits(tenant: string): Promise<TenantLimits> {
    return this.limitsStore.get(tenant);
  }

  /** Every limit but the weight (`setWeight`). */
  setLimits(tenant: string, limits: DefaultLimits): Promise<void> {
    return this.limitsStore.set(tenant, limits);
  }

  /** Only the fair-share weight; null clears it. */
  setWeight(tenant: string, weight: number | null): Promise<void> {
    return this.limitsStore.setWeight(tenant, weight);
  }

  private async tryAdmit(
    tenant: string,
    jobs: readonly AdmittedJob[],
  ): Promise<AdmitVerdict> {
    const base = this.limitsStore.defaultsFor(tenant);
    const queues = this.queues;
    const index = (queue: QueueName) => queues.indexOf(queue) + 1;
    const reply = (await ADMIT_SCRIPT.run(
      this.redis,
      [
        ...queues.map((q) => this.keys.open(q, tenant)),
        this.keys.limits(tenant),
        this.keys.rate(tenant),
      ],
      [
        queues.length,
        base.maxUnfinished ?? -1,
        base.ratePerSecond ?? -1,
        base.burst,
        Date.now(),
        jobs.length,
        ...jobs.flatMap((job) => [index(job.queue), job.id]),
      ],
    )) as AdmitVerdict;
    return reply;
  }
}

function groupByQueue(
  jobs: readonly { queue: QueueName; id: string }[],
): Map<QueueName, string[]> {
  const byQueue = new Map<QueueName, string[]>();
  for (const { queue, id } of jobs) {
    const ids = byQueue.get(queue);
    if (ids) ids.push(id);
    else byQueue.set(queue, [id]);
  }
  return byQueue;
}
