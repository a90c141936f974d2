import { performance } from 'node:perf_hooks';

export interface EventLoopLag {
  /** How late the last sample's timer fired, in ms. */
  lastMs(): number;
  stop(): void;
}

/**
 * Samples how late a timer fires. After the loop was blocked, the overdue
 * timer runs before pending I/O (timers come first in a loop turn), so a
 * request that waited out the block already sees the lag.
 */
export function watchEventLoopLag(sampleMs = 200): EventLoopLag {
  let expected = performance.now() + sampleMs;
  let last = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    last = Math.max(0, now - expected);
    expected = now + sampleMs;
  }, sampleMs);
  timer.unref();
  return { lastMs: () => last, stop: () => clearInterval(timer) };
}
