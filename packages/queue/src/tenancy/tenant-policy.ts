import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import { UNLIMITED, type TenantLimitPolicy } from './tenant-limits.ts';

/**
 * The API owns the tenant policy (its env: TENANT_*, the admin's tenant)
 * and publishes it at start, so workers admitting the jobs schedules fire
 * apply the same defaults without a copy of that configuration.
 */
export async function publishTenantPolicy(
  redis: Redis,
  keys: Keyspace,
  policy: TenantLimitPolicy,
): Promise<void> {
  await redis.set(keys.tenantPolicy(), JSON.stringify(policy));
}

/** The published policy; no limits when no API has published one. */
export async function readTenantPolicy(
  redis: Redis,
  keys: Keyspace,
): Promise<TenantLimitPolicy> {
  const json = await redis.get(keys.tenantPolicy());
  if (json === null) return { defaults: UNLIMITED, unlimitedTenants: [] };
  const policy = JSON.parse(json) as TenantLimitPolicy;
  return {
    defaults: { ...UNLIMITED, ...policy.defaults },
    unlimitedTenants: policy.unlimitedTenants,
  };
}
