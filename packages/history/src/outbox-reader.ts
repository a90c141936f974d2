import {
  duplicateRedis,
  leanPipeline,
  withDeadline,
  type Keyspace,
} from '@conveyor/queue';
import type { Redis } from 'ioredis';
import { HISTORY_GROUP } from './history-drainer-options.ts';
import { decodeTransition, OUTBOX_FIELD } from './history-outbox.ts';
import type { Transition } from './transition.ts';

type Entry = [id: string, fields: string[]];

/** An outbox entry, decoded; `transition` is null when it could not be read. */
export interface OutboxEntry {
  id: string;
  transition: Transition | null;
}

export interface OutboxReaderOptions {
  redis: Redis;
  keys: Keyspace;
  consumer: string;
  batchSize: number;
  blockMs: number;
  claimIdleMs: number;
}

/** How long an ack of a written batch may wait for Redis. */
const SETTLE_DEADLINE_MS = 5_000;

/**
 * The Redis half of the drainer: claims what dead consumers left pending,
 * reads new entries with the consumer group, decodes them, and settles
 * (acks and deletes) what was written. It knows nothing of PostgreSQL.
 */
export class OutboxReader {
  private readonly stream: string;
  /** Blocking reads hold their connection: a connection of their own. */
  private readonly reader: Redis;
  private nextClaimAt = 0;

  constructor(private readonly options: OutboxReaderOptions) {
    this.stream = options.keys.historyStream();
    this.reader = duplicateRedis(options.redis, {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    this.reader.on('error', () => undefined);
  }

  async ensureGroup(): Promise<void> {
    try {
      await this.reader.xgroup(
        'CREATE',
        this.stream,
        HISTORY_GROUP,
        '0',
        'MKSTREAM',
      );
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
  }

  /** Entries idle past `claimIdleMs` in a dead consumer first, then new ones. */
  async next(): Promise<OutboxEntry[]> {
    const claimed = await this.claimIdle();
    if (claimed.length > 0) return decode(claimed);
    const { consumer, batchSize, blockMs } = this.options;
    const reply = (await this.reader.xreadgroup(
      'GROUP',
      HISTORY_GROUP,
      consumer,
      'COUNT',
      batchSize,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.stream,
      '>',
    )) as [string, Entry[]][] | null;
    return decode(reply?.[0]?.[1] ?? []);
  }

  private async claimIdle(): Promise<Entry[]> {
    if (Date.now() < this.nextClaimAt) return [];
    const { consumer, batchSize, claimIdleMs } = this.options;
    const [, claimed] = (await this.reader.xautoclaim(
      this.stream,
      HISTORY_GROUP,
      consumer,
      claimIdleMs,
      '0-0',
      'COUNT',
      batchSize,
    )) as [string, Entry[]];
    if (claimed.length < batchSize)
      this.nextClaimAt = Date.now() + Math.min(claimIdleMs / 2, 10_000);
    return claimed;
  }

  /** Bounded: its connection may wait for Redis forever; unsettled entries are replayed harmlessly. */
  async settle(ids: string[]): Promise<void> {
    const pipeline = leanPipeline(this.options.redis);
    pipeline.xack(this.stream, HISTORY_GROUP, ...ids);
    pipeline.xdel(this.stream, ...ids);
    await withDeadline(pipeline.exec(), SETTLE_DEADLINE_MS);
  }

  /** Age of the oldest entry not yet written (0 when the outbox is empty). */
  async lagMs(): Promise<number> {
    const oldest = (
      await this.options.redis.xrange(this.stream, '-', '+', 'COUNT', 1)
    )[0];
    if (!oldest) return 0;
    return Math.max(0, Date.now() - Number(oldest[0].split('-')[0]));
  }

  /** Whatever the reader awaits (a blocking read, a command queued while Redis is away) fails now. */
  disconnect(): void {
    this.reader.disconnect();
  }
}

function decode(entries: Entry[]): OutboxEntry[] {
  return entries.map(([id, fields]) => {
    const text = fields[fields.indexOf(OUTBOX_FIELD) + 1];
    try {
      return {
        id,
        transition: text === undefined ? null : decodeTransition(text),
      };
    } catch {
      return { id, transition: null };
    }
  });
}
