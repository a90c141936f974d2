import {
  mirrorTenantWeight,
  publishTenantPolicy,
  type Keyspace,
  type TenantLedger,
  type TenantLimitPolicy,
  type TenantLimits,
} from '@conveyor/queue';
import type { Redis } from 'ioredis';
import type { ReadinessService } from './readiness.ts';

/**
 * New limits; `maxSchedules` or `weight` omitted keeps the current one
 * (callers from before they existed); `weight: null` clears it (back to 1).
 */
export type LimitsChange = Omit<TenantLimits, 'maxSchedules' | 'weight'> & {
  maxSchedules?: TenantLimits['maxSchedules'] | undefined;
  weight?: number | null | undefined;
};

/** Where the policy is published and weights mirrored: the queues' Redis, key layout and queues. */
export interface PolicyHome {
  redis: Redis;
  keys: Keyspace;
  queues: readonly string[];
}

/** Per-tenant limits (quota, rate, schedules) and the policy workers admit by. */
export class TenantService {
  constructor(
    private readonly ledger: Pick<
      TenantLedger,
      'limits' | 'setLimits' | 'setWeight'
    >,
    private readonly policy: TenantLimitPolicy | undefined,
    private readonly home: PolicyHome,
    private readonly readiness: ReadinessService,
  ) {}

  limits(tenant: string): Promise<TenantLimits> {
    return this.ledger.limits(tenant);
  }

  /** Sets them, and answers them as now stored. */
  async setLimits(
    tenant: string,
    { maxSchedules, weight, ...limits }: LimitsChange,
  ): Promise<TenantLimits> {
    const current = await this.ledger.limits(tenant);
    await this.ledger.setLimits(tenant, {
      ...limits,
      maxSchedules:
        maxSchedules === undefined ? current.maxSchedules : maxSchedules,
    });
    if (weight === undefined) return this.ledger.limits(tenant);
    return this.setWeight(tenant, weight);
  }

  /** Sets (null: clears) only the tenant's fair-share weight; answers its limits. */
  async setWeight(
    tenant: string,
    weight: number | null,
  ): Promise<TenantLimits> {
    await this.ledger.setWeight(tenant, weight);
    await this.mirror(tenant, weight);
    return this.ledger.limits(tenant);
  }

  /**
   * After the limits hash (the source): a crash in between leaves dispatch
   * on the old weight until the same call is made again.
   */
  private mirror(tenant: string, weight: number | null): Promise<void> {
    const { redis, keys, queues } = this.home;
    return mirrorTenantWeight(redis, keys, queues, { tenant, weight });
  }

  /**
   * Publishes this API's tenant policy (default limits, unlimited tenants)
   * for the workers, which admit the jobs schedules fire with it.
   */
  async publishPolicy(): Promise<void> {
    const { policy } = this;
    if (!policy) return;
    await this.readiness.up(() =>
      publishTenantPolicy(this.home.redis, this.home.keys, policy),
    );
  }
}
