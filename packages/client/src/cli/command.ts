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
] as const;
export type CommandFlag = (typeof COMMAND_FLAGS)[number];

/** Options without a value (`--all`, `--yes`), for the commands that name them. */
export const COMMAND_SWITCHES = ['all', 'yes'] as const;
export type CommandSwitch = (typeof COMMAND_SWITCHES)[number];

export interface CommandContext<TArg extends string = string> {
  client: ConveyorClient;
  /** The positional arguments by name; the parser checked they are all there. */
  args: Record<TArg, string>;
  flags: Partial<Record<CommandFlag, string>>;
  switches: Partial<Record<CommandSwitch, true>>;
  json: boolean;
  io: Output;
}

export interface Command<TArg extends string = string> {
  args: readonly TArg[];
  flags: readonly CommandFlag[];
  switches?: readonly CommandSwitch[];
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
