import type { HistoryOutbox, HistoryStore } from '@conveyor/history';

/** History on: where the API reads it, and where it writes what it sees happen. */
export interface ApiHistoryOptions {
  /** Or how to get it: undefined while the database is not reached yet (reads are then 503). */
  store: HistoryStore | (() => HistoryStore | undefined);
  /** On the API's Redis: appends are as durable as the jobs they describe. */
  outbox: HistoryOutbox;
}
