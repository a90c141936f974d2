import type { ExitCode } from './exit-codes.ts';

/** A problem the CLI reports as one message and an exit code, never a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
