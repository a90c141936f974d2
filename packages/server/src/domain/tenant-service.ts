import {
  publishTenantPolicy,
  type Keyspace,
  type TenantLedger,
  type TenantLimitPolicy,
  type TenantLimits,
} from '@conveyor/queue';
import type { Redis } from 'ioredis';
import type { ReadinessService } from './readiness.ts';

/** New limits; `maxSchedules` omitted keeps the current one (callers from before schedules). */
export type LimitsChange = Omit<TenantLimits, 'maxSchedules'> & {
  maxSchedules?: TenantLimits['maxSchedules'] | undefined;
};

/** Where the policy is published: the queues' Redis and key layout. */
export interface PolicyHome {
  redis: Redis;
  keys: Keyspace;
}

/** Per-tenant limits (quota, rate, schedules) and the policy workers admit by. */
export class TenantService {
  constructor(
    private readonly ledger: Pick<TenantLedger, 'limits' | 'setLimits'>,
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
    { maxSchedules, ...limits }: LimitsChange,
  ): Promise<TenantLimits> {
    const current = await this.ledger.limits(tenant);
    await this.ledger.setLimits(tenant, {
      ...limits,
      maxSchedules:
        maxSchedules === undefined ? current.maxSchedules : maxSchedules,
    });
    return this.ledger.limits(tenant);
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
