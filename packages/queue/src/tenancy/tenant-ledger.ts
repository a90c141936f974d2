import { QuotaExceededError, type QueueName } from '@conveyor/core';
import type { Redis } from 'ioredis';
import { hashTag, type Keyspace } from '../keyspace.ts';
import { ADMIT_SCRIPT } from './admit-script.ts';
import {
  UNLIMITED,
  type TenantLimitPolicy,
  type TenantLimits,
} from './tenant-limits.ts';

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
const QUOTA_RETRY_AFTER_MS = 1_000;
/**
 * How long a process trusts a tenant's limits it read. Only the choice to
 * skip the admission script for a tenant without limits rests on it (the
 * script itself reads the limits hash): a limit set by another process
 * applies there after at most this long.
 */
const LIMITS_TTL_MS = 1_000;
const LIMITS_CACHE_SIZE = 10_000;

/**
 * A tenant's unfinished jobs (one open set per queue) and finished totals:
 * what quotas are checked against and what `queues.stats` reports for a
 * tenant. Jobs join at admission (atomically with the quota and rate check),
 * leave when they finish (the worker), are cancelled or removed. A count
 * that leaked (a crash between two steps) heals: before refusing for quota,
 * every open entry is checked against its job.
 */
export class TenantLedger {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly queues: readonly QueueName[],
    private readonly policy: TenantLimitPolicy = {
      defaults: UNLIMITED,
      unlimitedTenants: [],
    },
  ) {}

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
    const limits = await this.cachedLimits(tenant);
    if (limits.maxUnfinished === null && limits.ratePerSecond === null) {
      if (options.openInAdd && !this.redis.isCluster)
        return { openPending: true };
      await this.open(tenant, jobs);
      return { openPending: false };
    }
    let verdict = await this.tryAdmit(tenant, jobs);
    if (verdict[0] === 'quota' && (await this.heal(tenant)) > 0)
      verdict = await this.tryAdmit(tenant, jobs);
    this.refuseUnlessOk(tenant, jobs.length, verdict);
    return { openPending: false };
  }

  private refuseUnlessOk(
    tenant: string,
    count: number,
    [kind, value]: [string, number],
  ): void {
    if (kind === 'ok') return;
    if (kind === 'quota')
      throw new QuotaExceededError(
        'quota',
        QUOTA_RETRY_AFTER_MS,
        `Tenant ${tenant} has ${value} unfinished jobs; its quota does not allow ${count} more`,
      );
    if (kind === 'burst')
      throw new QuotaExceededError(
        'rate',
        QUOTA_RETRY_AFTER_MS,
        `A batch of ${count} is larger than tenant ${tenant}'s burst of ${value}`,
      );
    throw new QuotaExceededError(
      'rate',
      value,
      `Tenant ${tenant} is enqueueing faster than its rate limit`,
    );
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
   * turn of the event loop share one round trip (one ZREM per open set, one
   * HINCRBY per total): a busy worker finishes many jobs per turn.
   */
  finish(
    queue: string,
    tenant: string,
    id: string,
    outcome: 'completed' | 'failed' | 'cancelled',
  ): Promise<void> {
    this.finished.push({ queue, tenant, id, outcome });
    this.flushing ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        this.flushing = undefined;
        this.flushFinished().then(resolve, reject);
      }),
    );
    return this.flushing;
  }

  private finished: {
    queue: string;
    tenant: string;
    id: string;
    outcome: 'completed' | 'failed' | 'cancelled';
  }[] = [];
  private flushing: Promise<void> | undefined;

  private async flushFinished(): Promise<void> {
    const batch = this.finished;
    this.finished = [];
    const removals = new Map<string, string[]>();
    const totals = new Map<string, number>();
    for (const { queue, tenant, id, outcome } of batch) {
      const open = this.keys.open(queue, tenant);
      const ids = removals.get(open);
      if (ids) ids.push(id);
      else removals.set(open, [id]);
      const total = `${this.keys.counts(queue, tenant)}\n${outcome}`;
      totals.set(total, (totals.get(total) ?? 0) + 1);
    }
    // One pipeline on one Redis; on a Cluster one per tenant (its slot).
    const pipelines = new Map<string, ReturnType<Redis['pipeline']>>();
    const on = (key: string) => {
      const slot = this.redis.isCluster ? hashTag(key) : '';
      let pipeline = pipelines.get(slot);
      if (!pipeline) pipelines.set(slot, (pipeline = this.redis.pipeline()));
      return pipeline;
    };
    for (const [key, ids] of removals) on(key).zrem(key, ...ids);
    for (const [total, count] of totals) {
      const [key = '', field = ''] = total.split('\n');
      on(key).hincrby(key, field, count);
    }
    const replies = await Promise.all(
      [...pipelines.values()].map(async (p) => (await p.exec()) ?? []),
    );
    const failed = replies.flat().find(([error]) => error);
    if (failed?.[0]) throw failed[0];
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

  private limitsCache = new Map<
    string,
    { limits: TenantLimits; until: number }
  >();

  private async cachedLimits(tenant: string): Promise<TenantLimits> {
    const cached = this.limitsCache.get(tenant);
    if (cached && cached.until > Date.now()) return cached.limits;
    const limits = await this.limits(tenant);
    if (this.limitsCache.size >= LIMITS_CACHE_SIZE) this.limitsCache.clear();
    this.limitsCache.set(tenant, { limits, until: Date.now() + LIMITS_TTL_MS });
    return limits;
  }

  /** The limits in force for a tenant: configured, else the policy's. */
  async limits(tenant: string): Promise<TenantLimits> {
    const stored = await this.redis.hgetall(this.keys.limits(tenant));
    const base = this.defaultsFor(tenant);
    const read = (value: string | undefined, fallback: number | null) =>
      value === undefined ? fallback : Number(value) < 0 ? null : Number(value);
    return {
      maxUnfinished: read(stored.maxUnfinished, base.maxUnfinished),
      ratePerSecond: read(stored.ratePerSecond, base.ratePerSecond),
      burst: read(stored.burst, base.burst) ?? base.burst,
      maxSchedules: read(stored.maxSchedules, base.maxSchedules),
    };
  }

  async setLimits(tenant: string, limits: TenantLimits): Promise<void> {
    this.limitsCache.delete(tenant);
    await this.redis.hset(this.keys.limits(tenant), {
      maxUnfinished: String(limits.maxUnfinished ?? -1),
      ratePerSecond: String(limits.ratePerSecond ?? -1),
      burst: String(limits.burst),
      maxSchedules: String(limits.maxSchedules ?? -1),
    });
  }

  private defaultsFor(tenant: string): TenantLimits {
    return this.policy.unlimitedTenants.includes(tenant)
      ? UNLIMITED
      : this.policy.defaults;
  }

  private async tryAdmit(
    tenant: string,
    jobs: readonly AdmittedJob[],
  ): Promise<[string, number]> {
    const base = this.defaultsFor(tenant);
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
    )) as [string, number];
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
