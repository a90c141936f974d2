import type { Kysely } from 'kysely';
import type { HistoryDatabase } from './history-schema.ts';
import type { HistoryLogger } from './history-logger.ts';
import { trimHistory, type TrimHistoryOptions } from './trim-history.ts';

export interface HistoryRetentionOptions extends TrimHistoryOptions {
  db: Kysely<HistoryDatabase>;
  logger: HistoryLogger;
  /** Between trims; default 1 hour. The first runs at once. */
  intervalMs?: number;
}

/** Trims history in the background; `stop()` waits for a trim under way. */
export function startHistoryRetention(options: HistoryRetentionOptions): {
  stop(): Promise<void>;
} {
  const { db, logger, intervalMs = 3_600_000, ...trim } = options;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = trimHistory(db, trim).then(
      (n) => {
        if (n > 0)
          logger.info({ trimmed: n }, 'history retention trimmed jobs');
      },
      (error: unknown) =>
        logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'history retention failed; retrying next interval',
        ),
    );
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
