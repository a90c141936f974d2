import type { Command } from './command.ts';
import { enqueue } from './commands/enqueue.ts';
import { get } from './commands/get.ts';
import { list } from './commands/list.ts';
import {
  schedulesGet,
  schedulesList,
  schedulesRemove,
  schedulesRun,
  schedulesSet,
  schedulesToggle,
} from './commands/schedules.ts';
import { stats } from './commands/stats.ts';
import { steer } from './commands/steer.ts';
import { tokensCreate, tokensList, tokensRevoke } from './commands/tokens.ts';
import { watch } from './commands/watch.ts';
import {
  webhooksCreate,
  webhooksDeliveries,
  webhooksList,
  webhooksRedrive,
  webhooksRemove,
  webhooksTest,
} from './commands/webhooks.ts';

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
  ['webhooks create', webhooksCreate],
  ['webhooks list', webhooksList],
  ['webhooks remove', webhooksRemove],
  ['webhooks test', webhooksTest],
  ['webhooks deliveries', webhooksDeliveries],
  ['webhooks redrive', webhooksRedrive],
  ['schedules set', schedulesSet],
  ['schedules list', schedulesList],
  ['schedules get', schedulesGet],
  ['schedules pause', schedulesToggle('pause')],
  ['schedules resume', schedulesToggle('resume')],
  ['schedules remove', schedulesRemove],
  ['schedules run', schedulesRun],
]);

/** `conveyor enqueue <name> <json> [--delay …]`, for usage errors. */
export function usageOf(name: string, command: Command): string {
  return [
    `conveyor ${name}`,
    ...command.args.map((arg) => `<${arg}>`),
    ...command.flags.map((flag) => `[--${flag} …]`),
  ].join(' ');
}
