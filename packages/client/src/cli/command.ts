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
] as const;
export type CommandFlag = (typeof COMMAND_FLAGS)[number];

export interface CommandContext<TArg extends string = string> {
  client: ConveyorClient;
  /** The positional arguments by name; the parser checked they are all there. */
  args: Record<TArg, string>;
  flags: Partial<Record<CommandFlag, string>>;
  json: boolean;
  io: Output;
}

export interface Command<TArg extends string = string> {
  args: readonly TArg[];
  flags: readonly CommandFlag[];
  run(ctx: CommandContext<TArg>): Promise<ExitCode>;
}

/** Infers the argument names, so `ctx.args.id` is a plain string. */
export function defineCommand<const TArg extends string>(
  command: Command<TArg>,
): Command<TArg> {
  return command;
}
