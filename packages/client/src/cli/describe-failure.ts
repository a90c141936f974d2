import { isConveyorError } from '../errors.ts';
import { CliError } from './cli-error.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';

const BY_CODE: Record<string, ExitCode> = {
  BAD_REQUEST: EXIT.invalidInput,
  PARSE_ERROR: EXIT.invalidInput,
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.conflict,
  SERVICE_UNAVAILABLE: EXIT.unavailable,
  // A feature this server runs without (job history off).
  NOT_IMPLEMENTED: EXIT.unavailable,
  PAYLOAD_TOO_LARGE: EXIT.invalidInput,
  UNAUTHORIZED: EXIT.notAllowed,
  FORBIDDEN: EXIT.notAllowed,
  TOO_MANY_REQUESTS: EXIT.limited,
};

/**
 * Conveyor's reasons whose exit code is not their HTTP status's: a key
 * reused with another payload is a 422 (the IETF idempotency draft's) but
 * the same conflict scripts have always tested for.
 */
const BY_REASON: Record<string, ExitCode> = {
  IDEMPOTENCY_CONFLICT: EXIT.conflict,
};

export interface Failure {
  message: string;
  exitCode: ExitCode;
}

/** Turns any error into the message a person reads and the code a script tests. */
export function describeFailure(error: unknown, url: string): Failure {
  if (error instanceof CliError)
    return { message: error.message, exitCode: error.exitCode };
  if (isConveyorError(error)) {
    const code = error.data?.code;
    // No tRPC code means no answer from a Conveyor API: refused, timed out, or a proxy's page.
    if (!code) {
      return {
        message: `Cannot reach the Conveyor API at ${url} (${networkCause(error)}). Is it running? Set --url or CONVEYOR_URL.`,
        exitCode: EXIT.unavailable,
      };
    }
    const issues = error.data?.issues ?? [];
    return {
      // A validation error's message names at most three fields: print every issue, one a line.
      message:
        issues.length > 0
          ? [
              'Invalid input:',
              ...issues.map(
                (i) => `  ${i.path.join('.') || '(input)'}: ${i.message}`,
              ),
            ].join('\n')
          : code === 'UNAUTHORIZED'
            ? `${error.message}: set CONVEYOR_TOKEN (from yarn start: .data/admin-token is found by itself)`
            : error.message,
      exitCode:
        BY_REASON[error.data?.reason ?? ''] ?? BY_CODE[code] ?? EXIT.unexpected,
    };
  }
  return {
    message: `Unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    exitCode: EXIT.unexpected,
  };
}

/** `fetch failed` says little; the system error underneath (ECONNREFUSED…) says why. */
function networkCause(error: Error): string {
  let cause: unknown = error;
  while (cause instanceof Error) {
    if ('code' in cause && typeof cause.code === 'string') return cause.code;
    if (!cause.cause) return cause.message;
    cause = cause.cause;
  }
  return error.message;
}
