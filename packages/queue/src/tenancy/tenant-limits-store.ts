import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import {
  DEFAULT_WEIGHT,
  UNLIMITED,
  type DefaultLimits,
  type TenantLimitPolicy,
  type TenantLimits,
} from './tenant-limits.ts';

/**
 * How long a process trusts a tenant's limits it read. Only the choice to
 * skip the admission script for a tenant without limits rests on it (the
 * script itself reads the limits hash): a limit set by another process
 * applies there after at most this long.
 */
const LIMITS_TTL_MS = 1_000;
const LIMITS_CACHE_SIZE = 10_000;

/** Each tenant's limits: stored in Redis, else the policy's defaults; read through a short cache. */
export class TenantLimitsStore {
  private readonly cache = new Map<
    string,
    { limits: TenantLimits; until: number }
  >();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly policy: TenantLimitPolicy = {
      defaults: UNLIMITED,
      unlimitedTenants: [],
    },
  ) {}

  /** The limits in force for a tenant: configured, else the policy's. */
  async get(tenant: string): Promise<TenantLimits> {
    const stored = await this.redis.hgetall(this.keys.limits(tenant));
    const base = this.defaultsFor(tenant);
    const read = (value: string | undefined, fallback: number | null) =>
      value === undefined ? fallback : Number(value) < 0 ? null : Number(value);
    return {
      maxUnfinished: read(stored.maxUnfinished, base.maxUnfinished),
      ratePerSecond: read(stored.ratePerSecond, base.ratePerSecond),
      burst: read(stored.burst, base.burst) ?? base.burst,
      maxSchedules: read(stored.maxSchedules, base.maxSchedules),
      weight: read(stored.weight, DEFAULT_WEIGHT) ?? DEFAULT_WEIGHT,
    };
  }

  /** The cached limits while they are trusted; none otherwise (then `cached`). */
  peek(tenant: string): TenantLimits | undefined {
    const hit = this.cache.get(tenant);
    return hit && hit.until > Date.now() ? hit.limits : undefined;
  }

  /** As `get`, trusted for `LIMITS_TTL_MS`. */
  async cached(tenant: string): Promise<TenantLimits> {
    const hit = this.peek(tenant);
    if (hit) return hit;
    const limits = await this.get(tenant);
    if (this.cache.size >= LIMITS_CACHE_SIZE) this.cache.clear();
    this.cache.set(tenant, { limits, until: Date.now() + LIMITS_TTL_MS });
    return limits;
  }

  /** Every limit but the weight (`setWeight`), which stays as it is. */
  async set(tenant: string, limits: DefaultLimits): Promise<void> {
    this.cache.delete(tenant);
    await this.redis.hset(this.keys.limits(tenant), {
      maxUnfinished: String(limits.maxUnfinished ?? -1),
      ratePerSecond: String(limits.ratePerSecond ?? -1),
      burst: String(limits.burst),
      maxSchedules: String(limits.maxSchedules ?? -1),
    });
  }

  /** Sets (or, with null, clears) only the fair-share weight. */
  async setWeight(tenant: string, weight: number | null): Promise<void> {
    this.cache.delete(tenant);
    const key = this.keys.limits(tenant);
    if (weight === null) await this.redis.hdel(key, 'weight');
    else await this.redis.hset(key, 'weight', String(weight));
  }

  /** The policy's limits for a tenant, which the admission script applies where none are stored. */
  defaultsFor(tenant: string): DefaultLimits {
    return this.policy.unlimitedTenants.includes(tenant)
      ? UNLIMITED
      : this.policy.defaults;
  }
}
