import type { Kysely } from 'kysely';
import type { HistoryLogger } from './history-logger.ts';
import type { HistoryDatabase } from './history-schema.ts';
import {
  openHistoryDatabase,
  type HistoryDatabaseHandle,
} from './open-history-database.ts';

export interface HistoryConnection {
  /** The migrated database once reached; undefined until then. */
  db(): Kysely<HistoryDatabase> | undefined;
  /** Resolves when connected (or closed first). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens (and migrates) the history database, retrying in the background
 * until it answers: a PostgreSQL that is down when a service starts must
 * not stop it. Jobs and enqueues go on (their transitions wait in the Redis
 * outbox); `onConnected` starts what needs the database (the drainer,
 * retention). One warn when it fails, one info when it is reached.
 */
export function connectHistoryDatabase(options: {
  databaseUrl: string;
  logger: HistoryLogger;
  /** Longest wait between attempts; default 5 s. */
  maxRetryMs?: number;
  onConnected?: (db: Kysely<HistoryDatabase>) => void;
}): HistoryConnection {
  const { databaseUrl, logger } = options;
  const host = hostOf(databaseUrl);
  const maxRetryMs = options.maxRetryMs ?? 5_000;
  let handle: HistoryDatabaseHandle | undefined;
  let connected: Kysely<HistoryDatabase> | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  async function open(): Promise<void> {
    let warned = false;
    for (let retry = 0; !closed; retry++) {
      try {
        handle = await openHistoryDatabase({
          connectionString: databaseUrl,
          logger,
        });
        if (closed) return;
        connected = handle.db;
        options.onConnected?.(handle.db);
        logger.info({ host }, `history database at ${host} reached`);
        return;
      } catch (error) {
        if (!warned)
          logger.warn(
            {
              host,
              err: error instanceof Error ? error.message : String(error),
            },
            `history database at ${host} unavailable; retrying`,
          );
        warned = true;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, Math.min(maxRetryMs, 200 * 2 ** retry));
        });
      }
    }
  }

  const ready = open();
  return {
    db: () => connected,
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      wake?.();
      await ready;
      connected = undefined;
      await handle?.close().catch(() => undefined);
    },
  };
}

/** The host and port of a URL, never its credentials. */
export function hostOf(databaseUrl: string): string {
  try {
    return new URL(databaseUrl).host;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}
