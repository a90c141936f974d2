import type { ConveyorRouterInputs as RouterInputs } from '@conveyor/server';
import type { ConveyorClient } from '../create-client.ts';
import { CliError } from './cli-error.ts';
import type { CommandContext } from './command.ts';
import { EXIT } from './exit-codes.ts';

/** The search filter `history search` and `bulk …` send (any registry's). */
export type SearchFilterInput = RouterInputs['bulk']['preview']['filter'];

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const usage = (message: string) => new CliError(message, EXIT.invalidInput);

/** `--since 9h`: that long before now (s, m, h or d). */
export function sinceDate(text: string, now = Date.now()): Date {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  const unit = match?.[2] === undefined ? undefined : UNIT_MS[match[2]];
  if (!match || unit === undefined)
    throw usage(
      `--since takes a duration such as 30m, 9h or 7d, got "${text}"`,
    );
  return new Date(now - Number(match[1]) * unit);
}

function isoDate(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (value.trim() === '' || Number.isNaN(date.getTime()))
    throw usage(`--${flag} must be an ISO-8601 date or time, got "${value}"`);
  return date;
}

/** The job's searchable fields, from the API's catalog (the CLI knows no jobs of its own). */
async function fieldsOf(client: ConveyorClient, job: string) {
  const entry = (await client.catalog.list.query()).find((j) => j.name === job);
  if (!entry) throw usage(`Unknown job "${job}": see conveyor jobs`);
  return entry.searchFields;
}

/**
 * The filter the flags describe: `[<job>]`, `--where 'data.to^=+1415'`
 * (repeatable; read against the job's fields), `--since 9h` or `--from`
 * / `--to`, `--state`, `--error WORDS`. The API checks it again.
 */
export async function filterFromFlags(
  ctx: Pick<CommandContext, 'client' | 'flags' | 'lists'>,
  job: string | undefined,
): Promise<SearchFilterInput> {
  const { flags, lists, client } = ctx;
  const texts = lists.where ?? [];
  if (texts.length > 0 && job === undefined)
    throw usage('--where needs the job whose fields it names');
  if (flags.since !== undefined && flags.from !== undefined)
    throw usage('Give --since or --from, not both');
  let where: Record<string, Record<string, unknown>> | undefined;
  if (job !== undefined && texts.length > 0) {
    // Loaded here only: the other commands need no contract code.
    const { whereFromTexts, ConveyorError } = await import('@conveyor/core');
    const fields = await fieldsOf(client, job);
    try {
      where = whereFromTexts(fields, texts);
    } catch (error) {
      if (error instanceof ConveyorError) throw usage(error.message);
      throw error;
    }
  }
  const from =
    flags.since === undefined
      ? isoDate(flags.from, 'from')
      : sinceDate(flags.since);
  const to = isoDate(flags.to, 'to');
  const filter = {
    ...(job === undefined ? {} : { name: job }),
    ...(where === undefined ? {} : { where }),
    ...(flags.state === undefined ? {} : { state: flags.state }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(flags.error === undefined ? {} : { text: flags.error }),
  };
  // The API checks name, state and where (a 400 names what is wrong).
  return filter as SearchFilterInput;
}
