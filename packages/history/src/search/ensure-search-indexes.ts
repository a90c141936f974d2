import type { SearchField } from '@conveyor/core';
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { HistoryDatabase } from '../history-schema.ts';
import type { HistoryLogger } from '../history-logger.ts';
import { columnOf, pathText, rangeValueSql } from './condition-sql.ts';

/** One range index a job asks for (`defineJob({ searchIndexes })`). */
export interface SearchIndexSpec {
  job: string;
  field: SearchField;
}

/** Held while indexes are built, so API replicas starting together build each once. */
const LOCK_KEY = 0x63760022;

/** `history_search_<hash>`: stable per job and field, within PostgreSQL's 63 characters. */
export function searchIndexName(spec: SearchIndexSpec): string {
  const digest = createHash('sha256')
    .update(`${spec.job}\n${spec.field.path}\n${spec.field.kind}`)
    .digest('hex')
    .slice(0, 16);
  return `history_search_${digest}`;
}

/**
 * `create index concurrently` on `(tenant, <the range expression>)` for
 * the job's rows only (a partial index: other jobs' writes skip it).
 * Concurrently: writes go on while it builds.
 */
export function searchIndexStatement(
  spec: SearchIndexSpec,
  db: Kysely<HistoryDatabase>,
) {
  const [source, ...keys] = spec.field.path.split('.') as [
    'data' | 'result',
    ...string[],
  ];
  const path = sql`${sql.lit(pathText(keys))}::text[]`;
  const value = rangeValueSql(columnOf(source), path, spec.field.kind);
  return sql`create index concurrently if not exists ${sql.id(searchIndexName(spec))}
    on history_jobs (tenant, ${value}) where name = ${sql.lit(spec.job)}`.compile(
    db,
  );
}

/**
 * Builds the range indexes jobs declare, in the background, under an
 * advisory lock (another replica holding it builds them instead). An index
 * a failed concurrent build left invalid is dropped and built again.
 * Indexes for fields no longer declared are left in place (drop them by
 * name: `history_search_*`). Never throws: searches work without them.
 */
export async function ensureSearchIndexes(
  db: Kysely<HistoryDatabase>,
  specs: readonly SearchIndexSpec[],
  logger: HistoryLogger,
): Promise<number> {
  if (specs.length === 0) return 0;
  let built = 0;
  try {
    await db.connection().execute(async (conn) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_lock(${LOCK_KEY}) as locked`.execute(conn);
      if (!rows[0]?.locked) return;
      try {
        for (const spec of specs) if (await ensureOne(conn, spec)) built += 1;
      } finally {
        await sql`select pg_advisory_unlock(${LOCK_KEY})`.execute(conn);
      }
    });
  } catch (error) {
    logger.warn(
      { err: error },
      'history: search indexes not built (searches still work, ranges without them)',
    );
  }
  return built;
}

/** True when it had to build the index. */
async function ensureOne(
  conn: Kysely<HistoryDatabase>,
  spec: SearchIndexSpec,
): Promise<boolean> {
  const name = searchIndexName(spec);
  const { rows } = await sql<{ valid: boolean }>`
    select i.indisvalid as valid from pg_index i
    join pg_class c on c.oid = i.indexrelid
    where c.relname = ${name} and pg_table_is_visible(c.oid)`.execute(conn);
  if (rows[0]?.valid) return false;
  if (rows[0])
    await sql`drop index concurrently if exists ${sql.id(name)}`.execute(conn);
  await conn.executeQuery(searchIndexStatement(spec, conn));
  return true;
}
