import {
  connectHistoryDatabase,
  ensureSearchIndexes,
  HistoryStore,
  type HistorySearchLimits,
  type SearchIndexSpec,
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
  /** Range indexes the jobs declare (`searchIndexes`), built in the background once connected. */
  searchIndexes?: readonly SearchIndexSpec[];
}): ApiHistoryConnection {
  let store: HistoryStore | undefined;
  const stopIndexing = new AbortController();
  const { search, searchIndexes = [], ...database } = options;
  const connection = connectHistoryDatabase({
    ...database,
    onConnected: (db) => {
      // Built on a connection of its own, in the background: reads go on meanwhile.
      store = new HistoryStore(db, search);
      void ensureSearchIndexes({
        connectionString: options.databaseUrl,
        specs: searchIndexes,
        logger: options.logger,
        signal: stopIndexing.signal,
      });
    },
  });
  return {
    store: () => (connection.db() ? store : undefined),
    ready: connection.ready,
    close: () => {
      stopIndexing.abort();
      return connection.close();
    },
  };
}
