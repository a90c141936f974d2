import { scanKeys } from '../scan-keys.ts';
import type { StoredPlace, StoredVersionInventory } from '@conveyor/core';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import {
  parseStored,
  StoredVersionTally,
  type StoredItem,
} from './stored-version-tally.ts';

/** BullMQ's state structures, and the place each job in them is at. */
const STATES: readonly [suffix: string, type: 'list' | 'zset', StoredPlace][] =
  [
    ['wait', 'list', 'waiting'],
    ['paused', 'list', 'waiting'],
    ['prioritized', 'zset', 'waiting'],
    ['waiting-children', 'zset', 'waiting'],
    ['active', 'list', 'active'],
    ['delayed', 'zset', 'delayed'],
    ['completed', 'zset', 'completed'],
    ['failed', 'zset', 'failed'],
  ];

export interface StoredVersionsOptions {
  redis: Redis;
  keys: Keyspace;
  queues: readonly string[];
  /** Samples kept per group (5 when omitted). */
  samplesPerGroup?: number;
  /** Ids read per round trip (500 when omitted). */
  pageSize?: number;
  /**
   * Stored payloads this package does not own (the API's tenant schedules
   * live in `@conveyor/schedules`, which depends on this one).
   */
  extraReaders?: readonly (() => Promise<readonly StoredItem[]>)[];
}

/**
 * Which input versions of which jobs Redis holds: every job in every state,
 * held jobs in flow-control lanes, and schedulers' templates, read in pages
 * (no one command walks a whole queue). Jobs moving while it reads may be
 * counted in two places or none: an inventory, not a snapshot.
 */
export async function readStoredVersions(
  options: StoredVersionsOptions,
): Promise<StoredVersionInventory> {
  const tally = new StoredVersionTally(options.samplesPerGroup ?? 5);
  const reader = new QueueScan(options, tally);
  for (const queue of options.queues) {
    for (const [suffix, type, place] of STATES)
      await reader.jobs(queue, options.keys.bull(queue, suffix), type, place);
    for (const lane of await reader.lanes(queue))
      await reader.jobs(queue, lane, 'zset', 'held');
    await reader.schedulers(queue);
  }
  for (const read of options.extraReaders ?? [])
    for (const item of await read()) tally.add(item);
  return tally.inventory();
}

class QueueScan {
  private readonly redis: Redis;
  private readonly keys: Keyspace;
  private readonly pageSize: number;

  constructor(
    options: StoredVersionsOptions,
    private readonly tally: StoredVersionTally,
  ) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.pageSize = options.pageSize ?? 500;
  }

  /** The jobs whose ids a list or sorted set holds, a page at a time. */
  async jobs(
    queue: string,
    key: string,
    type: 'list' | 'zset',
    place: StoredPlace,
  ): Promise<void> {
    for await (const ids of this.pages(key, type))
      await this.readHashes(queue, ids, place);
  }

  /** A list's or sorted set's members by pages (index ranges: no cursor). */
  private async *pages(key: string, type: 'list' | 'zset') {
    for (let start = 0; ; start += this.pageSize) {
      const range = [String(start), String(start + this.pageSize - 1)] as const;
      const ids =
        type === 'list'
          ? await this.redis.lrange(key, ...range)
          : await this.redis.zrange(key, ...range);
      if (ids.length > 0) yield ids;
      if (ids.length < this.pageSize) return;
    }
  }

  private async readHashes(
    queue: string,
    ids: readonly string[],
    place: StoredPlace,
  ): Promise<void> {
    if (ids.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of ids)
      pipeline.hmget(this.keys.bull(queue, id), 'name', 'data', 'returnvalue');
    const rows = (await pipeline.exec()) ?? [];
    for (const [error, row] of rows) {
      const [name, data, result] = (error ? [] : row) as (string | null)[];
      // Removed between the two reads (retention, a worker): not stored any more.
      if (!name) continue;
      const item: StoredItem = {
        queue,
        job: name,
        place,
        data: parseStored(data ?? null),
      };
      if (place === 'completed') item.result = parseStored(result ?? null);
      this.tally.add(item);
    }
  }

  /** The queue's flow-control lanes (held jobs), by scanning their keys (every master on a Cluster). */
  lanes(queue: string): Promise<string[]> {
    return scanKeys(
      this.redis,
      `${escapeGlob(this.keys.flowPrefix(queue))}lane:*`,
    );
  }

  /** Job schedulers' templates: the data every tick of theirs fires. */
  async schedulers(queue: string): Promise<void> {
    const index = this.keys.bull(queue, 'repeat');
    for await (const ids of this.pages(index, 'zset')) {
      const pipeline = this.redis.pipeline();
      for (const id of ids)
        pipeline.hmget(this.keys.bull(queue, `repeat:${id}`), 'name', 'data');
      for (const [error, row] of (await pipeline.exec()) ?? []) {
        const [name, data] = (error ? [] : row) as (string | null)[];
        if (!name) continue;
        const stored = parseStored(data ?? null);
        this.tally.add({ queue, job: name, place: 'schedule', data: stored });
      }
    }
  }
}

/** A key prefix as a literal in a SCAN pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
