import { HistoryStore, type HistoryDatabase } from '@conveyor/history';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { runSearch } from './time-searches.ts';
import { seededRandom, type SearchKindSpec } from './search-queries.ts';

/**
 * EXPLAIN (ANALYZE, BUFFERS) of each kind's search on the big tenant, as
 * HistoryStore sends it: a Kysely of our own logs the statements a run
 * issues, and the last `select` is explained with its parameters.
 */
export async function explainSearches(
  connectionString: string,
  kinds: readonly SearchKindSpec[],
  log: (message: string) => void,
): Promise<void> {
  let last: CompiledQuery | undefined;
  const pool = new pg.Pool({ connectionString, max: 2 });
  const db = new Kysely<HistoryDatabase>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (/^\s*select/i.test(event.query.sql)) last = event.query;
    },
  });
  try {
    const store = new HistoryStore(db);
    for (const spec of kinds) {
      last = undefined;
      await runSearch(store, spec, 0, seededRandom(3));
      if (!last) continue;
      const query: CompiledQuery = last;
      const plan = await db.executeQuery<{ 'QUERY PLAN': string }>({
        ...query,
        sql: `explain (analyze, buffers) ${query.sql}`,
      });
      log(
        `\n=== ${spec.kind}\n${query.sql}\n${JSON.stringify(query.parameters)}`,
      );
      log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
    }
  } finally {
    await db.destroy();
  }
}
