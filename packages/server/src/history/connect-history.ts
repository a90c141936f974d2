import {
  connectHistoryDatabase,
  HistoryStore,
  type HistorySearchLimits,
} from '@conveyor/history';
import type { Logger } from '@conveyor/queue';

export interface ApiHistoryConnection {
  /** The store once the database is reached and migrated; undefined until then (reads answer 503). */
  store(): HistoryStore | undefined;
  /** Resolves when connected (or closed first). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** The API's history database, reached in the background (see connectHistoryDatabase). */
export function connectHistory(options: {
  databaseUrl: string;
  logger: Logger;
  maxRetryMs?: number;
  /** Bounds on searches (statement timeout, count cap). */
  search?: Partial<HistorySearchLimits>;
}): ApiHistoryConnection {
  let store: HistoryStore | undefined;
  const { search, ...database } = options;
  const connection = connectHistoryDatabase({
    ...database,
    onConnected: (db) => (store = new HistoryStore(db, search)),
  });
  return {
    store: () => (connection.db() ? store : undefined),
    ready: connection.ready,
    close: () => connection.close(),
  };
}
