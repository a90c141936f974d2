import type { QueueName } from '@conveyor/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keyspace } from '../keyspace.ts';
import { duplicateRedis } from '../redis-client.ts';

/** One entry of a BullMQ queue event stream. */
export interface StreamEvent {
  /** The stream id (`<ms>-<seq>`): totally ordered, and the id watchers resume from. */
  id: string;
  queue: QueueName;
  event: string;
  jobId: string;
  fields: Record<string, string>;
}

export function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

export const STREAM_ID = /^\d+-\d+$/;

export function parseStreamEntries(
  queue: QueueName,
  entries: [string, string[]][],
): StreamEvent[] {
  return entries.map(([id, flat]) => {
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2)
      fields[flat[i] as string] = flat[i + 1] as string;
    return {
      id,
      queue,
      event: fields.event ?? '',
      jobId: fields.jobId ?? '',
      fields,
    };
  });
}

type Listener = (event: StreamEvent) => void;

/**
 * One reader per API process follows every queue's event stream (one
 * blocking connection, whatever the number of watchers) and hands each event
 * to the watchers of its job. It runs while anyone watches. On a Redis
 * Cluster one XREAD cannot span queues (their streams live on different
 * slots), so each queue gets its own reader there.
 */
export class JobEventHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** One XREAD loop per group of queues: all of them on one Redis, one queue each on a Cluster. */
  private readonly groups: readonly (readonly QueueName[])[];
  private readers: (Redis | undefined)[] = [];
  private runs: (Promise<void> | undefined)[] = [];
  private lastIds = new Map<QueueName, string>();
  private starting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly queues: readonly QueueName[],
    private readonly logger: Logger,
  ) {
    this.groups = redis.isCluster ? queues.map((queue) => [queue]) : [queues];
  }

  /**
   * Registers a listener for one job. Once this resolves, every event
   * appended to the stream from now on reaches the listener.
   */
  async subscribe(
    queue: QueueName,
    jobId: string,
    listener: Listener,
  ): Promise<() => void> {
    const key = `${queue}\n${jobId}`;
    const set = this.listeners.get(key) ?? new Set();
    set.add(listener);
    this.listeners.set(key, set);
    await this.start();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
    };
  }

  private async start(): Promise<void> {
    if (this.closed || this.groups.every((_, i) => this.runs[i] !== undefined))
      return;
    this.starting ??= this.begin().finally(() => {
      this.starting = undefined;
    });
    await this.starting;
  }

  /** Starts the loop of every group not running, each from its streams' ends. */
  private async begin(): Promise<void> {
    for (const [i, queues] of this.groups.entries()) {
      if (this.runs[i]) continue;
      // Positions first, so nothing appended after subscribe() is missed.
      for (const queue of queues) {
        const [last] = await this.redis.xrevrange(
          this.keys.events(queue),
          '+',
          '-',
          'COUNT',
          1,
        );
        this.lastIds.set(queue, last?.[0] ?? '0-0');
      }
      const reader = (this.readers[i] ??= this.newReader());
      this.runs[i] = this.loop(reader, queues).finally(() => {
        this.runs[i] = undefined;
        // A watcher that subscribed while this loop was ending: go on.
        if (!this.closed && this.listeners.size > 0) void this.start();
      });
    }
  }

  private newReader(): Redis {
    const reader = duplicateRedis(this.redis, {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    reader.on('error', () => undefined); // the loop logs and retries
    return reader;
  }

  private async loop(
    reader: Redis,
    queues: readonly QueueName[],
  ): Promise<void> {
    while (!this.closed && this.listeners.size > 0) {
      const keys = queues.map((q) => this.keys.events(q));
      const ids = queues.map((q) => this.lastIds.get(q) ?? '$');
      let result: [string, [string, string[]][]][] | null;
      try {
        result = await reader.xread(
          'COUNT',
          1_000,
          'BLOCK',
          1_000,
          'STREAMS',
          ...keys,
          ...ids,
        );
      } catch (error) {
        if (this.closed) return;
        this.logger.debug({ err: error }, 'event stream read failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for (const [key, entries] of result ?? []) {
        const queue = queues[keys.indexOf(key)];
        if (!queue) continue;
        const events = parseStreamEntries(queue, entries);
        const last = events[events.length - 1];
        if (last) this.lastIds.set(queue, last.id);
        for (const event of events) {
          for (const listener of this.listeners.get(
            `${queue}\n${event.jobId}`,
          ) ?? [])
            listener(event);
        }
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const reader of this.readers) reader?.disconnect();
    await Promise.all(this.runs.filter((run) => run !== undefined));
  }
}
