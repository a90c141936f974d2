import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { historyMigrationProvider } from './history-migrations.ts';
import type { HistoryDatabase } from './history-schema.ts';
import type { HistoryLogger } from './history-logger.ts';

/** Longest a query may run or wait for its answer. */
const QUERY_TIMEOUT_MS = 30_000;

export interface HistoryDatabaseOptions {
  /** `postgres://user:password@host:port/database` (DATABASE_URL). */
  connectionString: string;
  logger: HistoryLogger;
  /** Pool size; default 10. */
  maxConnections?: number;
}

export interface HistoryDatabaseHandle {
  db: Kysely<HistoryDatabase>;
  close(): Promise<void>;
}

/**
 * Connects and brings the schema up to date. Kysely's migrator holds a
 * PostgreSQL advisory lock while it migrates, so processes starting
 * together (API and workers) migrate once; a migrated schema is a no-op.
 */
export async function openHistoryDatabase(
  options: HistoryDatabaseOptions,
): Promise<HistoryDatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    // A server that stops answering (network partition, frozen host) must
    // not hold a write, and with it the drainer and shutdown, forever.
    query_timeout: QUERY_TIMEOUT_MS,
    statement_timeout: QUERY_TIMEOUT_MS,
  });
  // An idle connection dies with its server (restart, failover): pg reports
  // it here, and an unhandled 'error' event would end the process.
  pool.on('error', () => undefined);
  const db = new Kysely<HistoryDatabase>({
    dialect: new PostgresDialect({ pool }),
  });
  try {
    await migrateHistory(db, options.logger);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, close: () => db.destroy() };
}

export async function migrateHistory(
  db: Kysely<HistoryDatabase>,
  logger: HistoryLogger,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: historyMigrationProvider,
    migrationTableName: 'history_migration',
    migrationLockTableName: 'history_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success')
      logger.info({ migration: result.migrationName }, 'history migrated');
  }
  if (error instanceof Error) throw error;
  if (error) throw new Error('history migration failed', { cause: error });
}
