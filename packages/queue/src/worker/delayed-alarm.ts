import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';

/** The parts of BullMQ's worker the alarm reaches (`waitForJob` is private in its typings). */
interface BlockingFetch {
  waitForJob?: (blockUntil: number) => Promise<number>;
  keys: Record<string, string>;
  /** Seconds BullMQ blocks at most (its backend's; 10 for Redis). */
  maximumBlockTimeout?: number;
}

/**
 * Wakes the worker's blocking fetch when the next delayed job falls due.
 *
 * BullMQ blocks in `BZPOPMIN marker timeout` until the next delayed job's due
 * time, and Redis checks blocked clients' timeouts only on its own clock tick
 * (`hz`, 10 per second by default): a lone delayed job ran up to 100 ms late
 * (median ~55 ms, measured against raw BullMQ). A Node timer at the due time
 * that adds the marker BullMQ itself adds for a waiting job (`ZADD marker 0 0`)
 * wakes the fetch at once; its next `moveToActive` promotes the due job. If the
 * alarm cannot be armed (a BullMQ without `waitForJob`), the worker behaves as
 * BullMQ does. An alarm that fires early (this host's clock ahead of the
 * producer's) costs one fetch that finds nothing; the worker then blocks again.
 */
export function armDelayedAlarm(worker: Worker, redis: Redis): void {
  const fetch = worker as unknown as BlockingFetch;
  const wait = fetch.waitForJob;
  const marker = fetch.keys.marker;
  if (typeof wait !== 'function' || !marker) return;
  const ring = () => {
    redis.zadd(marker, 0, '0').catch(() => undefined);
  };
  const capMs = (fetch.maximumBlockTimeout ?? 10) * 1_000;
  fetch.waitForJob = async function (this: unknown, blockUntil: number) {
    const delay = blockUntil - Date.now();
    // Only a due time within BullMQ's block cap: past it the fetch returns
    // by itself and arms again. A ring already sent when Redis's own
    // timeout wins leaves one marker: one fetch that finds nothing, then
    // the worker blocks again (bounded: the marker is one member).
    const timer =
      delay > 0 && delay < capMs ? setTimeout(ring, delay) : undefined;
    try {
      return await wait.call(this, blockUntil);
    } finally {
      if (timer) clearTimeout(timer);
    }
  };
}
