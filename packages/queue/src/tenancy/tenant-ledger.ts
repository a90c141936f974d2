import { QuotaExceededError, type QueueName } from '@conveyor/jobs';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import { ADMIT_SCRIPT } from './admit-script.ts';
import {
  UNLIMITED,
  type TenantLimitPolicy,
  type TenantLimits,
} from './tenant-limits.ts';

/** A job to admit: its queue, id, and its listing-index score. */
export interface AdmittedJob {
  queue: QueueName;
  id: string;
  /** Its listing-index score; '' for a job listed already. */
  score: number | '';
}

/** An admitted job whose add has not happened yet may be this old before healing drops it. */
const ADD_GRACE_MS = 60_000;
const QUOTA_RETRY_AFTER_MS = 1_000;

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
   * Admits jobs (and lists them in their tenant's index, `score` each) or
   * throws `QuotaExceededError` (nothing admitted, nothing listed).
   */
  async admit(tenant: string, jobs: readonly AdmittedJob[]): Promise<void> {
    let verdict = await this.tryAdmit(tenant, jobs);
    if (verdict[0] === 'quota' && (await this.heal(tenant)) > 0)
      verdict = await this.tryAdmit(tenant, jobs);
    const [kind, value] = verdict;
    if (kind === 'ok') return;
    if (kind === 'quota')
      throw new QuotaExceededError(
        'quota',
        QUOTA_RETRY_AFTER_MS,
        `Tenant ${tenant} has ${value} unfinished jobs; its quota does not allow ${jobs.length} more`,
      );
    if (kind === 'burst')
      throw new QuotaExceededError(
        'rate',
        QUOTA_RETRY_AFTER_MS,
        `A batch of ${jobs.length} is larger than tenant ${tenant}'s burst of ${value}`,
      );
    throw new QuotaExceededError(
      'rate',
      value,
      `Tenant ${tenant} is enqueueing faster than its rate limit`,
    );
  }

  /** Gives admissions back when their add failed. */
  async release(
    tenant: string,
    jobs: readonly { queue: QueueName; id: string }[],
  ): Promise<void> {
    const multi = this.redis.multi();
    for (const job of jobs)
      multi.zrem(this.keys.open(job.queue, tenant), job.id);
    await multi.exec();
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
      removals.set(open, [...(removals.get(open) ?? []), id]);
      const total = `${this.keys.counts(queue, tenant)}\n${outcome}`;
      totals.set(total, (totals.get(total) ?? 0) + 1);
    }
    const pipeline = this.redis.pipeline();
    for (const [key, ids] of removals) pipeline.zrem(key, ...ids);
    for (const [total, count] of totals) {
      const [key = '', field = ''] = total.split('\n');
      pipeline.hincrby(key, field, count);
    }
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error);
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
    await this.admit(
      tenant,
      jobs.map((job) => ({ ...job, score: '' })),
    );
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

  /** Unfinished jobs per queue, and finished totals. */
  async counts(tenant: string) {
    const multi = this.redis.multi();
    for (const queue of this.queues) {
      multi.zrange(this.keys.open(queue, tenant), '0', '-1');
      multi.hmget(
        this.keys.counts(queue, tenant),
        'completed',
        'failed',
        'cancelled',
      );
    }
    const replies = (await multi.exec()) ?? [];
    return this.queues.map((queue, i) => {
      const open = (replies[2 * i]?.[1] ?? []) as string[];
      const [completed, failed, cancelled] = (replies[2 * i + 1]?.[1] ??
        []) as (string | null)[];
      return {
        queue,
        open,
        completed: Number(completed ?? 0),
        failed: Number(failed ?? 0),
        cancelled: Number(cancelled ?? 0),
      };
    });
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
    const index = (queue: QueueName) => this.queues.indexOf(queue) + 1;
    const reply = (await ADMIT_SCRIPT.run(
      this.redis,
      [
        ...this.queues.map((q) => this.keys.open(q, tenant)),
        this.keys.limits(tenant),
        this.keys.rate(tenant),
        ...this.queues.map((q) => this.keys.index(q, tenant)),
      ],
      [
        this.queues.length,
        base.maxUnfinished ?? -1,
        base.ratePerSecond ?? -1,
        base.burst,
        Date.now(),
        jobs.length,
        ...jobs.flatMap((job) => [index(job.queue), job.id, job.score]),
      ],
    )) as [string, number];
    return reply;
  }
}
