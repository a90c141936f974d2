import type { Command } from './command.ts';
import { DESCRIPTIONS, type CommandName } from './command-descriptions.ts';
import { bulk } from './commands/bulk.ts';
import { compat } from './commands/compat.ts';
import { keysReencrypt } from './commands/keys.ts';
import { enqueue } from './commands/enqueue.ts';
import { get } from './commands/get.ts';
import { jobs } from './commands/jobs.ts';
import { historyGet, historyList, historyStats } from './commands/history.ts';
import { historySearch } from './commands/history-search.ts';
import { historyFailures, historyShow } from './commands/history-show.ts';
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
import { tenantsLimits, tenantsWeight } from './commands/tenants.ts';
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

// A record, so a command without a description (or the reverse) does not compile.
const BY_NAME = {
  enqueue,
  get,
  list,
  watch,
  cancel: steer('cancel'),
  retry: steer('retry'),
  promote: steer('promote'),
  stats,
  jobs,
  'tokens create': tokensCreate,
  'tokens list': tokensList,
  'tokens revoke': tokensRevoke,
  'tenants limits': tenantsLimits,
  'tenants weight': tenantsWeight,
  'keys reencrypt': keysReencrypt,
  'webhooks create': webhooksCreate,
  'webhooks list': webhooksList,
  'webhooks remove': webhooksRemove,
  'webhooks test': webhooksTest,
  'webhooks deliveries': webhooksDeliveries,
  'webhooks redrive': webhooksRedrive,
  'schedules set': schedulesSet,
  'schedules list': schedulesList,
  'schedules get': schedulesGet,
  'schedules pause': schedulesToggle('pause'),
  'schedules resume': schedulesToggle('resume'),
  'schedules remove': schedulesRemove,
  'schedules run': schedulesRun,
  'history list': historyList,
  'history get': historyGet,
  'history stats': historyStats,
  'history search': historySearch,
  'bulk retry': bulk('retry'),
  'bulk redrive': bulk('redrive'),
  'bulk cancel': bulk('cancel'),
  'bulk delete': bulk('delete'),
  'history show': historyShow,
  'history failures': historyFailures,
  compat,
} satisfies Record<CommandName, Command>;

/** Every command by name, in the order `--help` lists them. */
export const COMMANDS: ReadonlyMap<CommandName, Command> = new Map(
  (Object.keys(DESCRIPTIONS) as CommandName[]).map((name) => [
    name,
    BY_NAME[name],
  ]),
);

/** The first words of two-word commands: `tokens`, `webhooks`, `schedules`. */
export const GROUPS: ReadonlySet<string> = new Set(
  [...COMMANDS.keys()].flatMap((name) => {
    const [group, sub] = name.split(' ');
    return sub === undefined || group === undefined ? [] : [group];
  }),
);

/** `conveyor enqueue <name> <json> [--delay …]`, for usage errors. */
export function usageOf(name: string, command: Command): string {
  return [
    `conveyor ${name}`,
    ...command.args.map((arg) => `<${arg}>`),
    ...(command.optionalArg === undefined
      ? []
      : [`[<${command.optionalArg}>]`]),
    ...(command.lists ?? []).map((list) => `[--${list} … …]`),
    ...command.flags.map((flag) => `[--${flag} …]`),
  ].join(' ');
}
