/** What one tenant may have in flight and how fast it may add more. */
export interface TenantLimits {
  /** Unfinished jobs at once (waiting + delayed + active); null = no limit. */
  maxUnfinished: number | null;
  /** Sustained enqueues per second (token bucket); null = no limit. */
  ratePerSecond: number | null;
  /** Enqueues allowed at once above the rate (the bucket's size). */
  burst: number;
  /** Runtime schedules at once (`schedules.upsert`); null = no limit. */
  maxSchedules: number | null;
}

/** The seeds' "50 jobs per organization", and a rate that a UI or a cron cannot exceed by accident. */
export const DEFAULT_TENANT_LIMITS: TenantLimits = Object.freeze({
  maxUnfinished: 50,
  ratePerSecond: 100,
  burst: 1_000,
  maxSchedules: 20,
});

export const UNLIMITED: TenantLimits = Object.freeze({
  maxUnfinished: null,
  ratePerSecond: null,
  burst: 1_000,
  maxSchedules: null,
});

/**
 * Which limits apply to a tenant that has none configured: the defaults,
 * except for the listed tenants (the bootstrap admin's, which operators use
 * to load-test and migrate), which are unlimited.
 */
export interface TenantLimitPolicy {
  defaults: TenantLimits;
  unlimitedTenants: readonly string[];
}
