import { HistoryStore, type HistoryDatabase } from '@conveyor/history';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { tryDueAtIndex } from './proposed-index.ts';
import { runSearch } from './time-searches.ts';
import { seededRandom, type SearchKindSpec } from './search-queries.ts';

type Log = (message: string) => void;

/**
 * EXPLAIN (ANALYZE, BUFFERS) of each kind's search on the big tenant, as
 * HistoryStore sends it: a Kysely of our own logs the statements a run
 * issues, and the last `select` is explained with its parameters. Then the
 * per-field index of `proposed-index.ts`, and the date range again.
 */
export async function explainSearches(
  connectionString: string,
  kinds: readonly SearchKindSpec[],
  log: Log,
): Promise<void> {
  const seen: { last?: CompiledQuery } = {};
  const pool = new pg.Pool({ connectionString, max: 2 });
  pool.on('error', () => undefined);
  const db = new Kysely<HistoryDatabase>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (/^\s*select/i.test(event.query.sql)) seen.last = event.query;
    },
  });
  const store = new HistoryStore(db);
  const explain = async (spec: SearchKindSpec) => {
    delete seen.last;
    await runSearch(store, spec, 0, seededRandom(3));
    if (seen.last) await explainOne(db, spec.kind, seen.last, log);
  };
  try {
    for (const spec of kinds) await explain(spec);
    await tryDueAtIndex(db, log);
    for (const spec of kinds.filter((k) => k.kind.includes('dueAt')))
      await explain(spec);
  } finally {
    await db.destroy();
  }
}

async function explainOne(
  db: Kysely<HistoryDatabase>,
  kind: string,
  query: CompiledQuery,
  log: Log,
): Promise<void> {
  const plan = await db.executeQuery<{ 'QUERY PLAN': string }>({
    ...query,
    sql: `explain (analyze, buffers) ${query.sql}`,
  });
  log(`\n=== ${kind}\n${query.sql}\n${JSON.stringify(query.parameters)}`);
  log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
}
