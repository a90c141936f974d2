import type { SearchField } from '@conveyor/core';
import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
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

/**
 * Equality on any payload or result field is jsonb containment, which these
 * answer (`jsonb_path_ops`: a third the size of the default opclass, and
 * containment is all search asks of them). Not a migration: on a large
 * history a build takes minutes, past the pool's statement timeout, and a
 * migration's transaction would block the drainer's writes meanwhile.
 */
const CONTAINMENT_INDEXES: Record<string, 'payload' | 'result'> = {
  history_jobs_payload_search: 'payload',
  history_jobs_result_search: 'result',
};

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
 */
export function searchIndexStatement(spec: SearchIndexSpec) {
  const [source, ...keys] = spec.field.path.split('.') as [
    'data' | 'result',
    ...string[],
  ];
  const path = sql`${sql.lit(pathText(keys))}::text[]`;
  const value = rangeValueSql(columnOf(source), path, spec.field.kind);
  return sql`create index concurrently if not exists ${sql.id(searchIndexName(spec))}
    on history_jobs (tenant, ${value}) where name = ${sql.lit(spec.job)}`;
}

/**
 * Builds search's indexes in the background, CONCURRENTLY (writes go on),
 * on a connection of its own without the pool's timeouts, under an
 * advisory lock (another replica holding it builds them instead): the two
 * containment indexes, then the range indexes jobs declare. An index a
 * failed build left invalid is dropped and built again. Indexes for
 * fields no longer declared are left in place (drop them by name:
 * `history_search_*`). Never throws: searches work without them, slower.
 * Resolves to how many it built.
 */
export async function ensureSearchIndexes(options: {
  connectionString: string;
  specs: readonly SearchIndexSpec[];
  logger: HistoryLogger;
  /** Stops a build in progress (shutdown): its connection is closed; an index left invalid is rebuilt next start. */
  signal?: AbortSignal;
}): Promise<number> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: 1,
  });
  pool.on('error', () => undefined);
  // A checked-out client has no pool listener: a server-side termination
  // between statements would otherwise be an uncaught 'error' event.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    const stop = () => void stopBackend(options.connectionString, client);
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });
  });
  const db = new Kysely<HistoryDatabase>({
    dialect: new PostgresDialect({ pool }),
  });
  try {
    return await db.connection().execute(async (conn) => {
      await sql`set statement_timeout = 0`.execute(conn);
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_lock(${LOCK_KEY}) as locked`.execute(conn);
      if (!rows[0]?.locked) return 0;
      try {
        return await buildAll(conn, options.specs);
      } finally {
        await sql`select pg_advisory_unlock(${LOCK_KEY})`.execute(conn);
      }
    });
  } catch (error) {
    if (options.signal?.aborted) return 0;
    options.logger.warn(
      { err: error },
      'history: search indexes not built (searches work without them, slower)',
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

async function buildAll(
  conn: Kysely<HistoryDatabase>,
  specs: readonly SearchIndexSpec[],
): Promise<number> {
  let built = 0;
  for (const [name, column] of Object.entries(CONTAINMENT_INDEXES))
    if (
      await ensureOne(
        conn,
        name,
        sql`create index concurrently if not exists ${sql.id(name)} on history_jobs using gin (${sql.ref(column)} jsonb_path_ops)`,
      )
    )
      built += 1;
  for (const spec of specs)
    if (
      await ensureOne(conn, searchIndexName(spec), searchIndexStatement(spec))
    )
      built += 1;
  return built;
}

/** True when it had to build the index. */
async function ensureOne(
  conn: Kysely<HistoryDatabase>,
  name: string,
  create: ReturnType<typeof sql>,
): Promise<boolean> {
  const { rows } = await sql<{ valid: boolean }>`
    select i.indisvalid as valid from pg_index i
    join pg_class c on c.oid = i.indexrelid
    where c.relname = ${name} and pg_table_is_visible(c.oid)`.execute(conn);
  if (rows[0]?.valid) return false;
  if (rows[0])
    await sql`drop index concurrently if exists ${sql.id(name)}`.execute(conn);
  await create.execute(conn);
  return true;
}

/**
 * Ends a build's session from another connection: closing the socket alone
 * would leave the server finishing the statement (and holding the lock).
 */
async function stopBackend(
  connectionString: string,
  client: pg.PoolClient,
): Promise<void> {
  const pid = (client as unknown as { processID?: number }).processID;
  const admin = new pg.Client({ connectionString });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.query('select pg_terminate_backend($1)', [pid]);
  } catch {
    await client.end().catch(() => undefined);
  } finally {
    await admin.end().catch(() => undefined);
  }
}
