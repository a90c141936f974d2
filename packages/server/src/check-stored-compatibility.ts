import {
  checkCompatibility,
  type AnyRegistry,
  type CompatReport,
  type StoredVersionInventory,
} from '@conveyor/core';
import {
  createKeyspace,
  readStoredVersions,
  whenReady,
  type Keyspace,
} from '@conveyor/queue';
import type { HistoryStore } from '@conveyor/history';
import { storedScheduleItems } from '@conveyor/schedules';
import type { Redis } from 'ioredis';

export interface StoredCompatibilityOptions {
  /** The contract to check: the one about to be deployed. */
  registry: AnyRegistry;
  redis: Redis;
  /** BullMQ key prefix; `conveyor` when omitted. */
  prefix?: string;
  /** Samples kept per group (5 when omitted). */
  samplesPerGroup?: number;
  /** History's database too (`new HistoryStore(db)`), when history is on. */
  history?: Pick<HistoryStore, 'storedVersions'>;
}

/**
 * What an installation's Redis stores, grouped by job, input version and
 * place: jobs in every state and flow-control lane, job schedulers'
 * templates, and tenants' API schedules.
 */
export function readInstallationVersions(options: {
  registry: AnyRegistry;
  redis: Redis;
  keys: Keyspace;
  samplesPerGroup?: number;
}): Promise<StoredVersionInventory> {
  const { registry, redis, keys } = options;
  return readStoredVersions({
    redis,
    keys,
    queues: registry.queues,
    ...(options.samplesPerGroup === undefined
      ? {}
      : { samplesPerGroup: options.samplesPerGroup }),
    extraReaders: [() => storedScheduleItems(redis, keys, registry)],
  });
}

/**
 * A CI's pre-deploy check without the API: reads what Redis stores and
 * whether `registry` reads all of it (`report.ok`). The queues read are
 * the registry's: a queue the new contract drops is not looked at.
 */
export async function checkStoredCompatibility(
  options: StoredCompatibilityOptions,
): Promise<CompatReport> {
  // A fail-fast connection just made refuses commands until it is up.
  await whenReady(options.redis, 10_000);
  const inventory = await readInstallationVersions({
    ...options,
    keys: createKeyspace(options.prefix),
  });
  if (options.history)
    inventory.groups.push(
      ...(await options.history.storedVersions(options.samplesPerGroup)),
    );
  return checkCompatibility(options.registry, {
    ...inventory,
    history: options.history !== undefined,
  });
}
