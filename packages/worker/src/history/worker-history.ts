import {
  connectHistoryDatabase,
  HistoryOutbox,
  historyObserver,
  startHistoryDrainer,
  startHistoryRetention,
  type HistoryDrainer,
} from '@conveyor/history';
import type {
  createRedisClient,
  JobObserver,
  Keyspace,
  Logger,
} from '@conveyor/queue';

type Redis = ReturnType<typeof createRedisClient>;

export interface WorkerHistoryOptions {
  /** HISTORY: `off` turns history off. */
  mode: 'on' | 'off';
  /** DATABASE_URL; without it history is off. */
  databaseUrl: string | undefined;
  retentionDays: number;
  redis: Redis;
  keys: Keyspace;
  logger: Logger;
}

export interface WorkerHistory {
  /** For the pool: every attempt's outcome (and stall-limit failures), into the outbox. */
  observer: JobObserver;
  /** The drainer, once PostgreSQL has been reached. */
  drainer(): HistoryDrainer | undefined;
  close(): Promise<void>;
}

/**
 * The worker's half of job history: attempts go to the outbox (Redis) at
 * once, whatever PostgreSQL is doing; the drainer and retention start when
 * PostgreSQL is reached (retried in the background), so a database that is
 * down at start delays history, never jobs. Null when history is off, which
 * it says at start.
 */
export function startWorkerHistory(
  options: WorkerHistoryOptions,
): WorkerHistory | null {
  const { logger, databaseUrl } = options;
  if (options.mode === 'off' || !databaseUrl) {
    logger.info(
      `history off (${options.mode === 'off' ? 'HISTORY=off' : 'no DATABASE_URL'}): jobs are kept only as long as Redis retention`,
    );
    return null;
  }
  let drainer: HistoryDrainer | undefined;
  let retention: { stop(): Promise<void> } | undefined;
  const connection = connectHistoryDatabase({
    databaseUrl,
    logger,
    onConnected: (db) => {
      drainer = startHistoryDrainer({
        redis: options.redis,
        keys: options.keys,
        db,
        logger,
      });
      retention = startHistoryRetention({
        db,
        logger,
        olderThanDays: options.retentionDays,
      });
      logger.info('history on: attempts recorded in PostgreSQL');
    },
  });
  const outbox = new HistoryOutbox(options.redis, options.keys);
  return {
    observer: historyObserver(outbox),
    drainer: () => drainer,
    async close() {
      // Drainer first (its batch under way is acked or left pending), then
      // the database; not connected yet, close stops the retrying.
      await drainer?.close();
      await retention?.stop();
      await connection.close();
    },
  };
}
