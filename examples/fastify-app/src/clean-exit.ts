/**
 * Call once everything is closed. The process must then end by itself: a
 * connection, timer or socket still open keeps it alive, and this watchdog
 * (which does not itself keep the process alive) fails the run, naming them.
 */
export function expectCleanExit(label: string, graceMs = 3_000): void {
  setTimeout(() => {
    console.error(
      `${label}: still running ${graceMs} ms after close; open: ${process
        .getActiveResourcesInfo()
        .join(', ')}`,
    );
    process.exit(1);
  }, graceMs).unref();
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`check failed: ${message}`);
}

export function redisUrlFromEnv(): string {
  const url = process.env.REDIS_URL;
  if (!url)
    throw new Error('Set REDIS_URL (the check script starts a redis-server)');
  return url;
}
