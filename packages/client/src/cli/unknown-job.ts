import type { ConveyorClient } from '../create-client.ts';
import { isConveyorError } from '../errors.ts';
import { CliError } from './cli-error.ts';
import { closest } from './did-you-mean.ts';
import { EXIT } from './exit-codes.ts';

/** Did the API refuse the request's `name` (not its data)? */
function refusesName(error: unknown): boolean {
  if (!isConveyorError(error)) return false;
  if (error.data?.reason === 'UNKNOWN_JOB') return true;
  return (error.data?.issues ?? []).some(
    (issue) => issue.path.length === 1 && issue.path[0] === 'name',
  );
}

/**
 * An enqueue refused for its job name becomes "Unknown job … Did you mean …",
 * from the API's catalog (the CLI knows no jobs of its own); any other error,
 * or a catalog it cannot read, leaves the API's answer as it was.
 */
export async function explainUnknownJob(
  error: unknown,
  client: ConveyorClient,
  name: string,
): Promise<unknown> {
  if (!refusesName(error)) return error;
  let names: string[];
  try {
    names = (await client.catalog.list.query()).map((job) => job.name);
  } catch {
    return error;
  }
  if (names.includes(name)) return error;
  const meant = closest(name, names);
  return new CliError(
    `Unknown job "${name}".${meant ? ` Did you mean "${meant}"?` : ''} See conveyor jobs.`,
    EXIT.invalidInput,
  );
}
