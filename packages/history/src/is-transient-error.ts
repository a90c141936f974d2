/**
 * Whether a failed write may succeed later as it is. Only data and
 * integrity errors (SQLSTATE classes 22 and 23) are the batch's own fault;
 * anything else (refused connection, shutdown, deadlock, a schema not
 * migrated yet) is waited out: dropping history is worse than waiting.
 */
export function isTransientError(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null && 'code' in error
      ? String(error.code)
      : '';
  return !/^(22|23)[0-9A-Z]{3}$/.test(code);
}
