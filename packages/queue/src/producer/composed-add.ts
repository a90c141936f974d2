import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import { createRequire } from 'node:module';

/** One of BullMQ's Lua scripts as BullMQ ships it (`dist/cjs/scripts/*.js`). */
interface BullScript {
  name: string;
  content: string;
  keys: number;
}

/** A composed add: BullMQ's add script plus Conveyor's entries, defined on a connection. */
export interface ComposedAdd {
  /** The ioredis command it is defined as. */
  command: string;
  /** How many KEYS BullMQ's own script takes (Conveyor's follow them). */
  bullKeys: number;
  lua: string;
}

/** Conveyor's keys and arguments after BullMQ's, in this order. */
export const COMPOSED_EXTRA_KEYS = 2; // index, open set
export const COMPOSED_EXTRA_ARGS = 3; // index score, open score ('' for none), job id

/*
 * Read from the installed BullMQ when this module loads, not copied into the
 * repo: the composed script always wraps the very text BullMQ defines on the
 * connection (its `loadCommands` reads the same module), so an upgrade of
 * BullMQ upgrades the composed adds with it (the equivalence tests in
 * test/composed-add.test.ts then say whether it still adds the same). BullMQ
 * has no `exports` map, so its scripts module is reachable; its CommonJS
 * build is the one Node loads for `import 'bullmq'`.
 */
const require = createRequire(import.meta.url);
const bullScripts = readBullScripts();

/** A BullMQ that hides or moves its scripts module leaves every add on BullMQ's own script. */
function readBullScripts(): Record<string, BullScript | undefined> {
  try {
    return require('bullmq/dist/cjs/scripts/index.js') as Record<
      string,
      BullScript | undefined
    >;
  } catch {
    return {};
  }
}

/**
 * BullMQ's script body becomes a local function (its early returns return
 * from it); whether the job hash existed is read before it runs, and the
 * entries are written only when the add stored the job under our id: not
 * for an id that exists (BullMQ then answers the same id and changes
 * nothing) nor for a refusal (a negative code) or another job's id.
 *
 * The job hash's key is BullMQ's queue key prefix (its first key up to the
 * last colon: BullMQ's key names hold none, nor may a queue's name) and the
 * id, as BullMQ's script names it; derived here rather than sent with every
 * add, on the slot of BullMQ's own keys.
 */
export function composeAdd(script: BullScript): ComposedAdd {
  const n = script.keys;
  const lua = `local function bullmqAdd()
${script.content}
end
local jobKey = string.match(KEYS[1], "^(.*:)") .. ARGV[6]
local existed = redis.call("EXISTS", jobKey)
local result = bullmqAdd()
if existed == 0 and result == ARGV[6] then
  if ARGV[5] ~= "" then
    redis.call("ZADD", KEYS[${n + 2}], ARGV[5], ARGV[6])
  end
  redis.call("ZADD", KEYS[${n + 1}], "NX", ARGV[4], ARGV[6])
end
return result
`;
  return { command: `conveyor:${script.name}`, bullKeys: n, lua };
}

/**
 * The adds Conveyor's hot path uses, by BullMQ's script name. One a later
 * BullMQ no longer ships is simply not composed: its jobs take BullMQ's
 * own script with the entries beside it (queue-add.ts).
 */
export const COMPOSED_ADDS: ReadonlyMap<string, ComposedAdd> = new Map(
  ['addStandardJob', 'addDelayedJob', 'addPrioritizedJob'].flatMap((name) => {
    const script = bullScripts[name];
    return script && composable(script)
      ? [[name, composeAdd(script)] as const]
      : [];
  }),
);

/** The composed adds' command names: all a batch of lone composed adds calls. */
export const COMPOSED_COMMANDS: readonly string[] = [
  ...COMPOSED_ADDS.values(),
].map((add) => add.command);

/** A script that counts its KEYS or ARGV, or reads past its own, would see Conveyor's. */
function composable(script: BullScript): boolean {
  return (
    !script.content.startsWith('#!') &&
    !/#KEYS|#ARGV|ARGV\[(?![123]\])/.test(script.content)
  );
}

/**
 * Defines the composed adds on a connection (ioredis sends them by SHA and
 * loads them when Redis does not know them). Before any transaction is
 * built on it: a transaction copies the connection's commands when made.
 */
export function defineComposedAdds(client: Redis | Cluster): void {
  const commands = client as unknown as Record<string, unknown>;
  for (const add of COMPOSED_ADDS.values())
    if (!commands[add.command])
      client.defineCommand(add.command, {
        numberOfKeys: add.bullKeys + COMPOSED_EXTRA_KEYS,
        lua: add.lua,
      });
}

/** Queues a command defined on the connection (BullMQ's or a composed one) on a transaction. */
export function queueCommand(
  multi: ChainableCommander,
  command: string,
  args: unknown[],
): void {
  (multi as unknown as Record<string, (args: unknown[]) => unknown>)[command]!(
    args,
  );
}
