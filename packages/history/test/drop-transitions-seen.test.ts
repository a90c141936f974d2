import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import {
  applyTransitions,
  HISTORY_MIGRATIONS,
  HistoryStore,
  openHistoryDatabase,
  transitionId,
  type Transition,
} from '../src/index.ts';
import { captureLogger, createTestDatabase } from './support/test-database.ts';

const postgresUrl = inject('postgresUrl');
const T0 = Date.parse('2026-11-20T10:00:00Z');

const outcome = (
  type: 'retrying' | 'completed',
  attempt: number,
): Transition => ({
  id: transitionId('old', 0, attempt, type),
  ...{ jobId: 'old', tenantId: 'acme', name: 'email.digest', queue: 'email' },
  ...{ run: 0, attempt, type, at: T0 + attempt * 100, durationMs: 10 },
  ...(type === 'retrying' ? { error: 'timeout' } : { result: 'ok' }),
});

describe('migration 007 (no record of applied transition ids)', () => {
  it('drops the table from a database written before it, and its rows go on', async () => {
    const database = await createTestDatabase(postgresUrl);
    const old = new Kysely<unknown>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: database.url, max: 1 }),
      }),
    });
    try {
      const migrator = new Migrator({
        db: old,
        provider: { getMigrations: () => Promise.resolve(HISTORY_MIGRATIONS) },
        migrationTableName: 'history_migration',
        migrationLockTableName: 'history_migration_lock',
      });
      const { error } = await migrator.migrateTo(
        '2026-12-07-006-story-columns',
      );
      expect(error).toBeUndefined();
      // As the previous writer left it: the row, and the id it recorded.
      await sql`insert into history_jobs (tenant, id, name, queue, state, state_key, sort_at)
        values ('acme', 'old', 'email.digest', 'email', 'retrying', ${'0'}, now())`.execute(
        old,
      );
      await sql`insert into history_transitions_seen (id) values (${outcome('retrying', 1).id})`.execute(
        old,
      );

      const handle = await openHistoryDatabase({
        connectionString: database.url,
        logger: captureLogger(),
      });
      try {
        const { rows } = await sql<{ t: string | null }>`
          select to_regclass('history_transitions_seen')::text as t`.execute(
          handle.db,
        );
        expect(rows[0]?.t).toBeNull();
        // The stored row moves on; a replay of what it recorded changes nothing.
        expect(
          await applyTransitions(handle.db, [outcome('completed', 2)]),
        ).toBe(1);
        expect(
          await applyTransitions(handle.db, [outcome('completed', 2)]),
        ).toBe(0);
        const found = await new HistoryStore(handle.db).get('old', 'acme');
        expect(found?.job).toMatchObject({ state: 'completed', attempts: 1 });
      } finally {
        await handle.close();
      }
    } finally {
      await old.destroy();
      await database.drop();
    }
  });
});
