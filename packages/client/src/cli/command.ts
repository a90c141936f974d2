import type { ConveyorClient } from '../create-client.ts';
import type { ExitCode } from './exit-codes.ts';
import type { Output } from './output.ts';

/** Options only some commands take; `--json`, `--url` and `--help` apply to all. */
export const COMMAND_FLAGS = [
  'state',
  'name',
  'limit',
  'cursor',
  'delay',
  'priority',
  'idempotency-key',
  'tenant',
  'jobs',
  'label',
  'expires',
  'cron',
  'tz',
  'every',
  'missed',
  'from',
  'to',
  'text',
  'contract',
  'export',
  'since',
  'error',
] as const;
export type CommandFlag = (typeof COMMAND_FLAGS)[number];

/** Options that may be given more than once (`--where a=1 --where b=2`). */
export const COMMAND_LISTS = ['where'] as const;
export type CommandList = (typeof COMMAND_LISTS)[number];

/** Options without a value (`--all`, `--yes`), for the commands that name them. */
export const COMMAND_SWITCHES = ['all', 'yes'] as const;
export type CommandSwitch = (typeof COMMAND_SWITCHES)[number];

export interface CommandContext<TArg extends string = string> {
  client: ConveyorClient;
  /** The positional arguments by name; the parser checked they are all there. */
  args: Record<TArg, string>;
  flags: Partial<Record<CommandFlag, string>>;
  switches: Partial<Record<CommandSwitch, true>>;
  /** Each repeatable option's values, in order. */
  lists: Partial<Record<CommandList, string[]>>;
  json: boolean;
  io: Output;
}

export interface Command<TArg extends string = string> {
  args: readonly TArg[];
  flags: readonly CommandFlag[];
  switches?: readonly CommandSwitch[];
  lists?: readonly CommandList[];
  /** One more positional argument that may be left out (`bulk retry [job]`): `args[optionalArg]` is then undefined. */
  optionalArg?: string;
  /** With this switch given, the positional arguments are not (`retry --all`). */
  argsUnless?: CommandSwitch;
  run(ctx: CommandContext<TArg>): Promise<ExitCode>;
}

/** Infers the argument names, so `ctx.args.id` is a plain string. */
export function defineCommand<const TArg extends string>(
  command: Command<TArg>,
): Command<TArg> {
  return command;
}
