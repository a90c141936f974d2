import { parseArgs } from 'node:util';
import { CliError } from './cli-error.ts';
import { COMMAND_FLAGS, type Command, type CommandFlag } from './command.ts';
import { COMMANDS, usageOf } from './commands.ts';
import { EXIT } from './exit-codes.ts';
import { DEFAULT_URL } from './help.ts';

export type Invocation =
  | { kind: 'help' }
  | {
      kind: 'run';
      command: Command;
      args: Record<string, string>;
      flags: Partial<Record<CommandFlag, string>>;
      json: boolean;
      url: string;
      /** The tenant an admin acts for (`--as-tenant`). */
      asTenant: string | undefined;
    };

const usageError = (message: string) =>
  new CliError(`${message}\nSee conveyor --help.`, EXIT.invalidInput);

/** Reads argv against the command table; a CliError (exit 2) for bad usage. */
export function parseInvocation(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        state: { type: 'string' },
        name: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        delay: { type: 'string' },
        priority: { type: 'string' },
        'idempotency-key': { type: 'string' },
        tenant: { type: 'string' },
        jobs: { type: 'string' },
        label: { type: 'string' },
        expires: { type: 'string' },
        cron: { type: 'string' },
        tz: { type: 'string' },
        every: { type: 'string' },
        missed: { type: 'string' },
        'as-tenant': { type: 'string' },
      },
    });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [first, ...afterFirst] = positionals;
  if (values.help || first === 'help') return { kind: 'help' };
  if (first === undefined) throw usageError('No command given.');
  // Two-word commands (`tokens create`) are looked up as such.
  const pair = `${first} ${afterFirst[0] ?? ''}`;
  const [name, rest] = COMMANDS.has(pair)
    ? [pair, afterFirst.slice(1)]
    : [first, afterFirst];
  const command = COMMANDS.get(name);
  if (!command) throw usageError(`Unknown command "${name}".`);

  if (rest.length !== command.args.length)
    throw usageError(
      `${rest.length < command.args.length ? 'Missing' : 'Too many'} arguments. Usage: ${usageOf(name, command)}`,
    );
  const flags: Partial<Record<CommandFlag, string>> = {};
  for (const flag of COMMAND_FLAGS) {
    const value = values[flag];
    if (value === undefined) continue;
    if (!command.flags.includes(flag))
      throw usageError(
        `${name} does not take --${flag}. Usage: ${usageOf(name, command)}`,
      );
    flags[flag] = value;
  }

  const url = values.url ?? env.CONVEYOR_URL ?? DEFAULT_URL;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw usageError(
      `"${url}" is not an http(s) URL (from ${values.url !== undefined ? '--url' : 'CONVEYOR_URL'}).`,
    );
  return {
    kind: 'run',
    command,
    // The count was checked above; `?? ''` only satisfies the index type.
    args: Object.fromEntries(
      command.args.map((arg, i) => [arg, rest[i] ?? '']),
    ),
    flags,
    json: values.json ?? false,
    url,
    asTenant: values['as-tenant'],
  };
}
