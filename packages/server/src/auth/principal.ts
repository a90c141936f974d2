import { DEFAULT_TENANT } from '@conveyor/core';

export const ROLES = ['admin', 'producer', 'viewer'] as const;
/**
 * `viewer` reads (get, list, watch, stats, dead letters); `producer` also
 * enqueues and steers its tenant's jobs (cancel, retry, promote, redrive);
 * `admin` also manages tokens and tenant limits, and may act for another
 * tenant by naming it (`x-conveyor-tenant`).
 */
export type Role = (typeof ROLES)[number];

/** Who is calling: from a token, never from a payload. */
export interface Principal {
  subject: string;
  tenantId: string;
  role: Role;
  /** The job names this caller may enqueue; null = any. */
  jobs: readonly string[] | null;
}

/** Every caller when no admin token is configured: the API then only listens on loopback. */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({
  subject: 'local',
  tenantId: DEFAULT_TENANT,
  role: 'admin',
  jobs: null,
});
