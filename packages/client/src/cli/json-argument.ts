import { isConveyorError } from '../errors.ts';
import { CliError } from './cli-error.ts';
import { EXIT } from './exit-codes.ts';
import { reviveDates } from './revive-dates.ts';

/** A JSON argument (a job's data), or exit 2 saying what is wrong with it. */
export function parseJsonArgument(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(
      `The ${what} is not valid JSON: ${(error as Error).message}`,
      EXIT.invalidInput,
    );
  }
}

/**
 * Sends a request holding a job's data; if the API refuses it because a
 * Date was expected where the JSON has an ISO string, sends it once more
 * with exactly those strings as Dates. A refusal stored nothing, so the
 * second try is safe.
 */
export async function sendWithDates<TRequest, TResult>(
  request: TRequest,
  send: (request: TRequest) => Promise<TResult>,
): Promise<TResult> {
  try {
    return await send(request);
  } catch (error) {
    const revived = isConveyorError(error)
      ? reviveDates(request, error.data?.issues ?? [])
      : null;
    if (!revived) throw error;
    return send(revived);
  }
}
