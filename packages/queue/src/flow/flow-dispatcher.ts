import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keyspace } from '../keyspace.ts';
import { isConnectionTrouble } from '../redis-errors.ts';
import { DISPATCH_SCRIPT } from './dispatch-script.ts';

/** How often an idle dispatcher looks for held jobs that became ready (a delay, a bucket, a lane waking). */
export const DISPATCH_POLL_MS = 100;

export interface FlowDispatcherOptions {
  redis: Redis;
  keys: Keyspace;
  queue: string;
  logger: Logger;
  /** Jobs kept in BullMQ's wait list: the worker's concurrency. */
  target: number;
  /** How long a dispatched job keeps its slot before it starts (ms). */
  graceMs: number;
}

/**
 * Runs the dispatch script for one queue in a worker process: after a slot
 * frees or a job ends (`nudge`), and every DISPATCH_POLL_MS. One run at a
 * time; a nudge during a run makes one more. Every worker process of the
 * queue runs one: the script is atomic, so they cannot hand out a job twice.
 */
export class FlowDispatcher {
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: FlowDispatcherOptions) {}

  start(): void {
    this.schedule(0);
  }

  nudge(): void {
    if (this.closed) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (!this.closed) this.timer = setTimeout(() => void this.run(), ms);
  }

  private async run(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    let full = false;
    try {
      full = (await this.dispatch()) >= this.options.target;
    } catch (error) {
      const { logger, redis, queue } = this.options;
      if (!isConnectionTrouble(redis, error as Error))
        logger.error(
          { queue, err: (error as Error).message },
          'dispatch failed',
        );
    } finally {
      this.running = false;
    }
    const soon = this.again || full;
    this.again = false;
    this.schedule(soon ? 0 : DISPATCH_POLL_MS);
  }

  private async dispatch(): Promise<number> {
    const { redis, keys, queue, target, graceMs } = this.options;
    const sent = await DISPATCH_SCRIPT.run(
      redis,
      [
        keys.bull(queue, 'wait'),
        keys.bull(queue, 'active'),
        keys.bull(queue, 'meta'),
        keys.bull(queue, 'marker'),
      ],
      [keys.queueKeyPrefix(queue), target, graceMs],
    );
    return Number(sent);
  }
}
