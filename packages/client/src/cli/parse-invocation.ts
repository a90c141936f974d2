import { parseArgs } from 'node:util';
import { resolveApiUrl } from './api-url.ts';
import { CliError } from './cli-error.ts';
import {
  COMMAND_FLAGS,
  COMMAND_LISTS,
  COMMAND_SWITCHES,
  type Command,
  type CommandFlag,
  type CommandList,
  type CommandSwitch,
} from './command.ts';
import type { CommandName } from './command-descriptions.ts';
import { COMMANDS, GROUPS, usageOf } from './commands.ts';
import { closest } from './did-you-mean.ts';
import { EXIT } from './exit-codes.ts';
import { commandHelp, generalHelp, groupHelp } from './help.ts';

export type Invocation =
  | { kind: 'help'; text: string }
  | {
      kind: 'run';
      command: Command;
      args: Record<string, string>;
      flags: Partial<Record<CommandFlag, string>>;
      switches: Partial<Record<CommandSwitch, true>>;
      lists: Partial<Record<CommandList, string[]>>;
      json: boolean;
      url: string;
      /** The tenant an admin acts for (`--as-tenant`). */
      asTenant: string | undefined;
    };

const usageError = (message: string) =>
  new CliError(`${message}\nSee conveyor --help.`, EXIT.invalidInput);

const OPTIONS = {
  json: { type: 'boolean' },
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'as-tenant': { type: 'string' },
  ...(Object.fromEntries(
    COMMAND_FLAGS.map((flag) => [flag, { type: 'string' }]),
  ) as Record<CommandFlag, { type: 'string' }>),
  ...(Object.fromEntries(
    COMMAND_SWITCHES.map((name) => [name, { type: 'boolean' }]),
  ) as Record<CommandSwitch, { type: 'boolean' }>),
  ...(Object.fromEntries(
    COMMAND_LISTS.map((name) => [name, { type: 'string', multiple: true }]),
  ) as Record<CommandList, { type: 'string'; multiple: true }>),
} as const;

/** Reads argv against the command table; a CliError (exit 2) for bad usage. */
export function parseInvocation(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Invocation {
  const { values, positionals } = parseArgv(argv);
  const asksHelp = positionals[0] === 'help';
  const words = asksHelp ? positionals.slice(1) : positionals;
  if (values.help || asksHelp) return { kind: 'help', text: helpFor(words) };

  const target = findCommand(words);
  if ('group' in target)
    throw usageError(
      `"${target.group}" needs a command: ${namesIn(target.group).join(', ')}.`,
    );
  const { name, rest } = target;
  const command = COMMANDS.get(name) as Command;
  const switches = switchesFor(name, command, values);
  const argCount =
    command.argsUnless && switches[command.argsUnless]
      ? 0
      : command.args.length;
  const extra = command.optionalArg === undefined ? 0 : 1;
  if (rest.length < argCount || rest.length > argCount + extra)
    throw usageError(
      `${rest.length < argCount ? 'Missing' : 'Too many'} arguments. Usage: ${usageOf(name, command)}`,
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
  return {
    kind: 'run',
    command,
    // The count was checked above; `?? ''` only satisfies the index type.
    args: Object.fromEntries([
      ...command.args.map((arg, i) => [arg, rest[i] ?? '']),
      ...(command.optionalArg !== undefined && rest.length > argCount
        ? [[command.optionalArg, rest[argCount]]]
        : []),
    ]) as Record<string, string>,
    flags,
    switches,
    lists: listsFor(name, command, values),
    json: values.json ?? false,
    url: resolveApiUrl(values.url, env),
    asTenant: values['as-tenant'],
  };
}

/** The repeatable options given, each one the command takes. */
function listsFor(
  name: string,
  command: Command,
  values: Partial<Record<CommandList, string[]>>,
): Partial<Record<CommandList, string[]>> {
  const given: Partial<Record<CommandList, string[]>> = {};
  for (const list of COMMAND_LISTS) {
    const value = values[list];
    if (value === undefined) continue;
    if (!command.lists?.includes(list))
      throw usageError(
        `${name} does not take --${list}. Usage: ${usageOf(name, command)}`,
      );
    given[list] = value;
  }
  return given;
}

/** The switches given, each one the command takes; a usage error for any other. */
function switchesFor(
  name: string,
  command: Command,
  values: Partial<Record<CommandSwitch, boolean>>,
): Partial<Record<CommandSwitch, true>> {
  const given: Partial<Record<CommandSwitch, true>> = {};
  for (const flag of COMMAND_SWITCHES) {
    if (!values[flag]) continue;
    if (!command.switches?.includes(flag))
      throw usageError(
        `${name} does not take --${flag}. Usage: ${usageOf(name, command)}`,
      );
    given[flag] = true;
  }
  return given;
}

function parseArgv(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const option = /'(--?[^'=]+)/.exec(message)?.[1];
    if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || !option)
      throw usageError(message);
    const meant = option.startsWith('--')
      ? closest(option.slice(2), Object.keys(OPTIONS))
      : undefined;
    throw usageError(
      `Unknown option ${option}.${meant ? ` Did you mean --${meant}?` : ''}`,
    );
  }
}

function helpFor(words: readonly string[]): string {
  if (words.length === 0) return generalHelp();
  const target = findCommand(words);
  return 'group' in target ? groupHelp(target.group) : commandHelp(target.name);
}

type Target = { name: CommandName; rest: string[] } | { group: string };

/** The command the words name (two-word commands first), or its group alone. */
function findCommand(words: readonly string[]): Target {
  const [first, second, ...after] = words;
  if (first === undefined) throw usageError('No command given.');
  const pair = `${first} ${second ?? ''}`;
  if (isName(pair)) return { name: pair, rest: after };
  if (isName(first))
    return {
      name: first,
      rest: second === undefined ? [] : [second, ...after],
    };
  if (GROUPS.has(first)) {
    if (second === undefined) return { group: first };
    const subs = namesIn(first).map((name) => name.slice(first.length + 1));
    throw unknownCommand(pair, closest(second, subs), `${first} `);
  }
  const firstWords = [...COMMANDS.keys()].filter((n) => !n.includes(' '));
  throw unknownCommand(first, closest(first, [...firstWords, ...GROUPS]));
}

function unknownCommand(name: string, meant: string | undefined, within = '') {
  return usageError(
    `Unknown command "${name}".${meant ? ` Did you mean "${within}${meant}"?` : ''}`,
  );
}

const isName = (name: string): name is CommandName =>
  COMMANDS.has(name as CommandName);

const namesIn = (group: string) =>
  [...COMMANDS.keys()].filter((name) => name.startsWith(`${group} `));
