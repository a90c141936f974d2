import type { AnyRegistry } from '@conveyor/core';
import type { Redis } from 'ioredis';
import type { Keyspace, StoredItem } from '@conveyor/queue';
import type { StoredSchedule } from './stored-schedule.ts';
import { tenantScheduleHashes } from './tenant-schedule-hashes.ts';

/**
 * Every tenant's stored API schedules as compat items (place `schedule`):
 * their data is the record each re-schedule, `runNow` and view reads, so a
 * new contract must read it too. Paused ones included.
 */
export async function storedScheduleItems(
  redis: Redis,
  keys: Keyspace,
  registry: AnyRegistry,
): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  for (const hash of await tenantScheduleHashes(redis, keys)) {
    for (const json of await redis.hvals(hash)) {
      const stored = parseSchedule(json);
      if (!stored) continue;
      items.push({
        queue: registry.get(stored.job)?.queue ?? '',
        job: stored.job,
        place: 'schedule',
        data: stored.data,
      });
    }
  }
  return items;
}

function parseSchedule(json: string): StoredSchedule | null {
  try {
    const value = JSON.parse(json) as Partial<StoredSchedule> | null;
    return value && typeof value.job === 'string'
      ? (value as StoredSchedule)
      : null;
  } catch {
    return null;
  }
}
