/** Socket-level failures: the server is not there (yet), or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** SQLSTATEs that mean "the database cannot serve you now", not "your query is wrong". */
const UNAVAILABLE_STATES = /^(08...|28...|3D000|53300|57P0[1-4])$/;

/** What `pg` says when it gives up on a connection without a code. */
const UNAVAILABLE_TEXT =
  /timeout exceeded when trying to connect|Connection terminated|connection error and is not queryable|driver has already been destroyed/i;

/**
 * Whether a failed history read failed because PostgreSQL is down,
 * unreachable, restarting or refusing this login: an outage (503), not a
 * bug (500). Looks through `cause` and AggregateError (pg connects to
 * every address a host resolves to).
 */
export function isPostgresUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code)) return true;
  }
  if (typeof message === 'string' && UNAVAILABLE_TEXT.test(message))
    return true;
  if (
    Array.isArray(errors) &&
    errors.some((e) => isPostgresUnavailable(e, depth + 1))
  )
    return true;
  return isPostgresUnavailable(cause, depth + 1);
}
