import type { Command } from './command.ts';
import { enqueue } from './commands/enqueue.ts';
import { get } from './commands/get.ts';
import { list } from './commands/list.ts';
import { stats } from './commands/stats.ts';
import { steer } from './commands/steer.ts';
import { tokensCreate, tokensList, tokensRevoke } from './commands/tokens.ts';
import { watch } from './commands/watch.ts';

/** Every command by name; `--help` describes them (help.ts). */
export const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ['enqueue', enqueue],
  ['get', get],
  ['list', list],
  ['watch', watch],
  ['cancel', steer('cancel')],
  ['retry', steer('retry')],
  ['promote', steer('promote')],
  ['stats', stats],
  ['tokens create', tokensCreate],
  ['tokens list', tokensList],
  ['tokens revoke', tokensRevoke],
]);

/** `conveyor enqueue <name> <json> [--delay …]`, for usage errors. */
export function usageOf(name: string, command: Command): string {
  return [
    `conveyor ${name}`,
    ...command.args.map((arg) => `<${arg}>`),
    ...command.flags.map((flag) => `[--${flag} …]`),
  ].join(' ');
}
