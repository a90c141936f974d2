/**
 * SQLSTATE classes that are the batch's own fault, whatever the retry:
 * cardinality (21), data (22), integrity (23), program limits (54: a value
 * too large to index) and syntax or access (42), except 42P01 (undefined
 * table: a schema not migrated yet, which waiting cures).
 */
const DATA_ERROR = /^(21|22|23|54|42)[0-9A-Z]{3}$/;

/**
 * Whether a failed write may succeed later as it is. Data errors (see
 * `DATA_ERROR`) are isolated one by one and dropped; anything else
 * (refused connection, shutdown, deadlock, timeout) is waited out:
 * dropping history is worse than waiting.
 */
export function isTransientError(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null && 'code' in error
      ? String(error.code)
      : '';
  return code === '42P01' || !DATA_ERROR.test(code);
}
