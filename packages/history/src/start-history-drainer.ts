import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { duplicateRedis } from '@conveyor/queue';
import { applyTransitions } from './apply-transitions.ts';
import {
  HISTORY_GROUP,
  type HistoryDrainer,
  type HistoryDrainerOptions,
} from './history-drainer-options.ts';
import { decodeTransition, OUTBOX_FIELD } from './history-outbox.ts';
import { isTransientError } from './is-transient-error.ts';
import { LagWindow } from './lag-window.ts';
import type { Transition } from './transition.ts';

type Entry = [id: string, fields: string[]];

/** How long `close` waits for the batch under way before giving up on it. */
const CLOSE_DEADLINE_MS = 5_000;
/** How long an ack of a written batch may wait for Redis. */
const SETTLE_DEADLINE_MS = 5_000;

/** Rejects after `ms` when `promise` has not settled by then. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
interface Decoded {
  id: string;
  transition: Transition | null;
}

/**
 * Drains the history outbox into PostgreSQL: reads with a consumer group
 * (one consumer per process, so several processes share the work), writes
 * each batch in one transaction, then acks and deletes it. While
 * PostgreSQL fails, the batch stays pending and is retried with backoff;
 * the outage is logged when it starts and when it ends, not per retry.
 * Entries a dead process left pending are claimed after `claimIdleMs`.
 */
// eslint-disable-next-line max-lines-per-function -- 199 lines: startHistoryDrainer split pending (issue #18)
export function startHistoryDrainer(
  options: HistoryDrainerOptions,
): HistoryDrainer {
  const { redis, keys, db, logger } = options;
  const stream = keys.historyStream();
  const batchSize = options.batchSize ?? 2_000;
  const blockMs = options.blockMs ?? 1_000;
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const consumer =
    options.consumer ??
    `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // Blocking reads hold their connection: a connection of their own.
  const reader = duplicateRedis(redis, {
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
  });
  reader.on('error', () => undefined);

  const lags = new LagWindow();
  let written = 0;
  let outageSince: number | undefined;
  let closing = false;
  let wake: (() => void) | undefined;
  // A command queued while Redis is away waits for a reconnect that
  // `disconnect` may never bring: reads race this, which `close` rejects.
  let stop: (reason: Error) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  stopped.catch(() => undefined);
  const unlessClosed = <T>(promise: Promise<T>) =>
    Promise.race([promise, stopped]);
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function ensureGroup(): Promise<void> {
    try {
      await reader.xgroup('CREATE', stream, HISTORY_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
  }

  let nextClaimAt = 0;
  async function nextEntries(): Promise<Entry[]> {
    if (Date.now() >= nextClaimAt) {
      const [, claimed] = (await reader.xautoclaim(
        stream,
        HISTORY_GROUP,
        consumer,
        claimIdleMs,
        '0-0',
        'COUNT',
        batchSize,
      )) as [string, Entry[]];
      if (claimed.length < batchSize)
        nextClaimAt = Date.now() + Math.min(claimIdleMs / 2, 10_000);
      if (claimed.length > 0) return claimed;
    }
    const reply = (await reader.xreadgroup(
      'GROUP',
      HISTORY_GROUP,
      consumer,
      'COUNT',
      batchSize,
      'BLOCK',
      blockMs,
      'STREAMS',
      stream,
      '>',
    )) as [string, Entry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  function decode(entries: Entry[]): Decoded[] {
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

  /** Writes until it succeeds; false when closing first (entries stay pending). */
  async function write(transitions: Transition[]): Promise<boolean> {
    for (let retry = 0; ; retry++) {
      try {
        written += await applyTransitions(db, transitions);
        const now = Date.now();
        for (const t of transitions) lags.add(now - t.at);
        if (outageSince !== undefined) {
          logger.info(
            { downMs: now - outageSince },
            'history store is back; outbox draining',
          );
          outageSince = undefined;
        }
        return true;
      } catch (error) {
        if (!isTransientError(error)) return writeEach(transitions, error);
        if (outageSince === undefined) {
          outageSince = Date.now();
          logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'history store unavailable; transitions wait in Redis',
          );
        }
        if (closing) return false;
        await pause(Math.min(maxBackoffMs, 100 * 2 ** Math.min(retry, 10)));
        if (closing) return false;
      }
    }
  }

  /** A batch PostgreSQL refuses for its data: write one by one, drop (and log) the bad ones. */
  async function writeEach(
    transitions: Transition[],
    cause: unknown,
  ): Promise<boolean> {
    if (transitions.length === 1) {
      logger.error(
        {
          err: cause instanceof Error ? cause.message : String(cause),
          transition: transitions[0]?.id,
        },
        'history dropped a transition PostgreSQL refuses',
      );
      return true;
    }
    for (const t of transitions) if (!(await write([t]))) return false;
    return true;
  }

  /** Bounded: its connection may wait for Redis forever; unsettled entries are replayed harmlessly. */
  async function settle(ids: string[]): Promise<void> {
    const pipeline = redis.pipeline();
    pipeline.xack(stream, HISTORY_GROUP, ...ids);
    pipeline.xdel(stream, ...ids);
    await withDeadline(pipeline.exec(), SETTLE_DEADLINE_MS);
  }

  async function run(): Promise<void> {
    let groupReady = false;
    while (!closing) {
      let entries: Entry[];
      try {
        if (!groupReady) await unlessClosed(ensureGroup());
        groupReady = true;
        entries = await unlessClosed(nextEntries());
      } catch (error) {
        if (closing) break;
        // The stream was deleted (and its group with it), or Redis is away.
        if (String(error).includes('NOGROUP')) groupReady = false;
        await pause(500);
        continue;
      }
      if (entries.length === 0) continue;
      const decoded = decode(entries);
      const bad = decoded.filter((d) => !d.transition);
      if (bad.length > 0)
        logger.error(
          { entries: bad.map((d) => d.id) },
          'history outbox entries unreadable; dropped',
        );
      const transitions = decoded.flatMap((d) =>
        d.transition ? [d.transition] : [],
      );
      if (!(await write(transitions))) break;
      // Not settled (Redis away): they stay pending and are replayed, which changes nothing.
      await settle(decoded.map((d) => d.id)).catch(() => undefined);
    }
  }

  const loop = run();

  return {
    async lagMs() {
      const oldest = (await redis.xrange(stream, '-', '+', 'COUNT', 1))[0];
      if (!oldest) return 0;
      return Math.max(0, Date.now() - Number(oldest[0].split('-')[0]));
    },
    stats() {
      return {
        written,
        writeLagMs: lags.summary(),
        outage: outageSince !== undefined,
      };
    },
    async close() {
      closing = true;
      stop(new Error('history drainer closed'));
      wake?.();
      // Whatever the reader awaits (a blocking read, a command queued while
      // Redis is away) fails now, instead of waiting for Redis to return.
      reader.disconnect();
      const stopped = await withDeadline(
        loop.then(() => true),
        CLOSE_DEADLINE_MS,
      ).catch(() => false);
      if (!stopped)
        logger.warn(
          { waitedMs: CLOSE_DEADLINE_MS },
          'history drainer did not stop in time; its batch stays pending',
        );
    },
  };
}
