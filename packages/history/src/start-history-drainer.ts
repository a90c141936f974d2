import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { withDeadline } from '@conveyor/queue';
import type {
  HistoryDrainer,
  HistoryDrainerOptions,
} from './history-drainer-options.ts';
import type { HistoryLogger } from './history-logger.ts';
import { OutboxReader } from './outbox-reader.ts';
import { TransitionWriter } from './transition-writer.ts';

/** How long `close` waits for the batch under way before giving up on it. */
const CLOSE_DEADLINE_MS = 5_000;

/**
 * Drains the history outbox into PostgreSQL: reads with a consumer group
 * (one consumer per process, so several processes share the work), writes
 * each batch in one transaction, then acks and deletes it. While
 * PostgreSQL fails, the batch stays pending and is retried with backoff;
 * the outage is logged when it starts and when it ends, not per retry.
 * Entries a dead process left pending are claimed after `claimIdleMs`.
 */

export function startHistoryDrainer(
  options: HistoryDrainerOptions,
): HistoryDrainer {
  const outbox = new OutboxReader({
    redis: options.redis,
    keys: options.keys,
    consumer:
      options.consumer ??
      `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    batchSize: options.batchSize ?? 2_000,
    blockMs: options.blockMs ?? 1_000,
    claimIdleMs: options.claimIdleMs ?? 30_000,
  });
  const loop = new DrainLoop(outbox, options.logger, {
    batchSize: options.batchSize ?? 2_000,
    gatherMs: options.gatherMs ?? 200,
  });
  const writer = new TransitionWriter({
    db: options.db,
    logger: options.logger,
    maxBackoffMs: options.maxBackoffMs ?? 5_000,
    closing: () => loop.closing,
    pause: (ms) => loop.pause(ms),
  });
  loop.start(writer);
  return {
    lagMs: () => outbox.lagMs(),
    stats: () => writer.stats(),
    close: () => loop.close(),
  };
}

/** Reads, writes, settles, until closed; Redis trouble pauses it, never ends it. */
class DrainLoop {
  closing = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> = Promise.resolve();
  // A command queued while Redis is away waits for a reconnect that
  // `disconnect` may never bring: reads race this, which `close` rejects.
  private stop: (reason: Error) => void = () => undefined;
  private readonly stopped = new Promise<never>((_, reject) => {
    this.stop = reject;
  });

  constructor(
    private readonly outbox: OutboxReader,
    private readonly logger: HistoryLogger,
    private readonly gather: { batchSize: number; gatherMs: number },
  ) {
    this.stopped.catch(() => undefined);
  }

  start(writer: TransitionWriter): void {
    this.running = this.run(writer);
  }

  pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stop(new Error('history drainer closed'));
    this.wake?.();
    this.outbox.disconnect();
    const stopped = await withDeadline(
      this.running.then(() => true),
      CLOSE_DEADLINE_MS,
    ).catch(() => false);
    if (!stopped)
      this.logger.warn(
        { waitedMs: CLOSE_DEADLINE_MS },
        'history drainer did not stop in time; its batch stays pending',
      );
  }

  private async run(writer: TransitionWriter): Promise<void> {
    let groupReady = false;
    while (!this.closing) {
      let entries;
      try {
        if (!groupReady) await this.unlessClosed(this.outbox.ensureGroup());
        groupReady = true;
        entries = await this.unlessClosed(this.outbox.next());
      } catch (error) {
        if (this.closing) break;
        // The stream was deleted (and its group with it), or Redis is away.
        if (String(error).includes('NOGROUP')) groupReady = false;
        await this.pause(500);
        continue;
      }
      if (entries.length === 0) continue;
      const bad = entries.filter((e) => !e.transition);
      if (bad.length > 0)
        this.logger.error(
          { entries: bad.map((e) => e.id) },
          'history outbox entries unreadable; dropped',
        );
      const transitions = entries.flatMap((e) =>
        e.transition ? [e.transition] : [],
      );
      if (!(await writer.write(transitions))) break;
      // Not settled (Redis away): they stay pending and are replayed, which changes nothing.
      await this.outbox.settle(entries.map((e) => e.id)).catch(() => undefined);
      const { batchSize, gatherMs } = this.gather;
      if (gatherMs > 0 && entries.length < batchSize && !this.closing)
        await this.pause(gatherMs);
    }
  }

  private unlessClosed<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.stopped]);
  }
}
