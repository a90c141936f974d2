import type { ChainableCommander, Cluster, Redis } from 'ioredis';

type Client = Redis | Cluster;
/** The ioredis internals a batch's construction reads (Commander's fields). */
interface ScriptHolder {
  scriptsSet?: Record<string, unknown>;
}

const views = new WeakMap<Client, Map<string, Client>>();

/**
 * ioredis builds every pipeline and MULTI by copying each script defined on
 * the connection onto it, and a connection BullMQ uses carries its 64
 * scripts: about 5× the cost of a batch on a bare connection, paid per
 * batch (per event-loop turn for the ledger, the outbox and group commit).
 * A lean batch is built from a view of the connection that lists only the
 * scripts the batch calls, then pointed back at the connection itself, so
 * it sends, queues and fails exactly as `redis.multi()` would. A script the
 * view does not list is not a method of the batch (a TypeError at once).
 * If the connection does not look as expected, the ordinary batch is built.
 */
export function leanMulti(
  redis: Client,
  scripts: readonly string[] = [],
): ChainableCommander {
  return build(redis, scripts, 'multi');
}

/** As `leanMulti`, for `redis.pipeline()` (no transaction). */
export function leanPipeline(
  redis: Client,
  scripts: readonly string[] = [],
): ChainableCommander {
  return build(redis, scripts, 'pipeline');
}

function build(
  redis: Client,
  scripts: readonly string[],
  kind: 'multi' | 'pipeline',
): ChainableCommander {
  const view = viewOf(redis, scripts);
  if (!view) return redis[kind]();
  // ioredis builds the batch from `this`: called on the view, it reads the
  // view's script list; everything else comes from the connection.
  const batch = (
    view as unknown as Record<typeof kind, () => ChainableCommander>
  )[kind]() as ChainableCommander & { redis?: Client };
  if (batch.redis !== view) return redis[kind]();
  batch.redis = redis;
  return batch;
}

function viewOf(redis: Client, scripts: readonly string[]): Client | null {
  const holder = redis as unknown as ScriptHolder;
  const all = holder.scriptsSet;
  if (!all || typeof all !== 'object') return null;
  const key = scripts.join('\n');
  let byKey = views.get(redis);
  const cached = byKey?.get(key);
  if (cached) return cached;
  const picked: Record<string, unknown> = {};
  for (const name of scripts) {
    // Not defined yet: the ordinary batch, until it is.
    if (!Object.hasOwn(all, name)) return null;
    picked[name] = all[name];
  }
  const view = Object.create(redis, {
    scriptsSet: { value: picked },
  }) as Client;
  if (!byKey) views.set(redis, (byKey = new Map<string, Client>()));
  byKey.set(key, view);
  return view;
}
