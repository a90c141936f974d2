import { CliError } from './cli-error.ts';
import { EXIT } from './exit-codes.ts';

/** A flag's value as a whole number; a usage error (exit 2) otherwise. */
export function wholeNumber(
  value: string | undefined,
  flag: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n))
    throw new CliError(
      `--${flag} must be a whole number, got "${value}"`,
      EXIT.invalidInput,
    );
  return n;
}
