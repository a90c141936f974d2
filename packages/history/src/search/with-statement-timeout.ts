import { SearchTimeoutError } from '@conveyor/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { HistoryDatabase } from '../history-schema.ts';

/**
 * Runs a read in its own transaction under `statement_timeout`, so a broad
 * search is cancelled by PostgreSQL (and answered as SearchTimeoutError)
 * instead of holding a connection the drainer needs.
 */
export async function withStatementTimeout<T>(
  db: Kysely<HistoryDatabase>,
  timeoutMs: number,
  read: (trx: Transaction<HistoryDatabase>) => Promise<T>,
): Promise<T> {
  const ms = Math.max(1, Math.trunc(timeoutMs));
  try {
    return await db.transaction().execute(async (trx) => {
      // SET takes no parameters; `ms` is an integer we made.
      await sql`set local statement_timeout = ${sql.raw(String(ms))}`.execute(
        trx,
      );
      return read(trx);
    });
  } catch (error) {
    // 57014 query_canceled: the timeout fired.
    if ((error as { code?: unknown }).code === '57014')
      throw new SearchTimeoutError(
        `The search ran past ${ms} ms: narrow it (a job name, a shorter time range, an equality filter)`,
        { cause: error },
      );
    throw error;
  }
}
