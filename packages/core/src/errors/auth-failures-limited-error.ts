import { ConveyorError } from './conveyor-error.ts';

/**
 * Too many failed sign-ins or Bearer tokens from one client address in the
 * window: further attempts are refused unchecked, so guessing gains nothing.
 * `retryAfterMs` says when that address may try again.
 */
export class AuthFailuresLimitedError extends ConveyorError {
  readonly code = 'AUTH_FAILURES_LIMITED';
  constructor(readonly retryAfterMs: number) {
    super(
      `Too many failed attempts from this address: try again in ${Math.ceil(retryAfterMs / 1_000)} s`,
    );
  }
}
