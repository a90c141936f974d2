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
  /**
   * Fair-share weight (1..1000) among tenants whose jobs flow control holds:
   * a tenant of weight 3 is dispatched about three jobs to another's one
   * while both wait. 1 when none is set.
   */
  weight: number;
}

/** A tenant's weight when none is set (the dispatch script's default too). */
export const DEFAULT_WEIGHT = 1;
export const MAX_WEIGHT = 1_000;

/**
 * Limits a policy may default. Not the weight: the dispatch script reads
 * weights from the queue's own hash, where only a weight set per tenant is
 * mirrored, so a policy-wide default there would not apply.
 */
export type DefaultLimits = Omit<TenantLimits, 'weight'>;

/** The seeds' "50 jobs per organization", and a rate that a UI or a cron cannot exceed by accident. */
export const DEFAULT_TENANT_LIMITS: DefaultLimits = Object.freeze({
  maxUnfinished: 50,
  ratePerSecond: 100,
  burst: 1_000,
  maxSchedules: 20,
});

export const UNLIMITED: DefaultLimits = Object.freeze({
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
  defaults: DefaultLimits;
  unlimitedTenants: readonly string[];
}
