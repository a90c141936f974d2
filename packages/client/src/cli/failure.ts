import { isConveyorError } from '../errors.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';

/** A problem the CLI reports as a message and an exit code, never a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

const BY_CODE: Record<string, ExitCode> = {
  BAD_REQUEST: EXIT.invalidInput,
  PARSE_ERROR: EXIT.invalidInput,
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.conflict,
  SERVICE_UNAVAILABLE: EXIT.unavailable,
};

/** Turns any error into what the user sees and the exit code. */
export function describeFailure(
  error: unknown,
  url: string,
): { message: string; exitCode: ExitCode } {
  if (error instanceof CliError)
    return { message: error.message, exitCode: error.exitCode };
  if (isConveyorError(error)) {
    const code = error.data?.code;
    if (!code) {
      return {
        message: `Cannot reach the Conveyor API at ${url} (${error.message}). Is it running? Set --url or CONVEYOR_URL.`,
        exitCode: EXIT.unavailable,
      };
    }
    const issues = error.data?.issues ?? [];
    const details = issues.map(
      (i) => `  ${i.path.join('.') || '(input)'}: ${i.message}`,
    );
    return {
      // Validation errors' messages are raw issue lists: show the issues instead.
      message:
        issues.length > 0
          ? ['Invalid input:', ...details].join('\n')
          : error.message,
      exitCode: BY_CODE[code] ?? EXIT.unexpected,
    };
  }
  return {
    message: `Unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    exitCode: EXIT.unexpected,
  };
}
