import { DEFAULT_TENANT } from '@conveyor/core';

/**
 * The tenant stamped in a stored envelope (a job's `data`), read without
 * decoding the payload. Jobs from before tenancy belong to the default tenant.
 */
export function envelopeTenant(data: unknown): string {
  const tenant =
    typeof data === 'object' && data !== null
      ? (data as { tenantId?: unknown }).tenantId
      : undefined;
  return typeof tenant === 'string' ? tenant : DEFAULT_TENANT;
}
