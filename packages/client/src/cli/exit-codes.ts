/** What a shell script can rely on. `conveyor --help` lists these too. */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  /** Bad usage, bad JSON, or a payload the job's schema rejects. */
  invalidInput: 2,
  notFound: 3,
  /**
   * Wrong state for the operation, an idempotency key reused with another
   * payload (422), or its first request still in flight after the client's retries (409).
   */
  conflict: 4,
  /** The API (or its Redis) cannot be reached. */
  unavailable: 5,
  /** `watch`: the job ended failed. */
  jobFailed: 6,
  /** `watch`: the job ended cancelled. */
  jobCancelled: 7,
  /** No valid token (401), or its role or job scope does not allow this (403). */
  notAllowed: 8,
  /** The tenant's quota or rate limit (429): try again later. */
  limited: 9,
  /** `compat`: something stored that the contract cannot read. */
  incompatible: 10,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
