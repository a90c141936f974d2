/** How many failed authentications one client address may make, and for how long it is then refused. */
export interface FailureLimiterOptions {
  /** Failures allowed in one window; the next attempt is refused unchecked. */
  maxFailures: number;
  /** A window's length, from the address's first failure in it. */
  windowMs: number;
  /** Addresses remembered at once; past it, the oldest window is forgotten. */
  maxAddresses: number;
  /** The clock (tests move it). */
  now: () => number;
}

/** `AUTH_MAX_FAILURES`, `AUTH_FAILURE_WINDOW_MS` and the memory bound (docs/security.md). */
export const DEFAULT_FAILURE_LIMITS: FailureLimiterOptions = {
  maxFailures: 10,
  windowMs: 60_000,
  maxAddresses: 10_000,
  now: () => Date.now(),
};
