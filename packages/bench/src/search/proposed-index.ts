import type { HistoryDatabase, HistoryStore } from '@conveyor/history';
import { sql, type Kysely } from 'kysely';
import {
  measureDrain,
  relationSizes,
  type DrainReading,
} from './index-write-cost.ts';
import type { SearchKindSpec } from './search-queries.ts';
import { timeSearches, type SearchTiming } from './time-searches.ts';

/**
 * A range on a payload field (`data.dueAt`) reads the value out of every
 * row of the job in the time range: no generic index answers it. A btree
 * on that one field's expression, exactly as `conditionSql` writes it (so
 * the planner matches it), per tenant and job, does. Built here to show
 * what it buys and costs; not in the migrations (it is schema-specific).
 */
export const DUE_AT_INDEX = `create index if not exists bench_order_due_at on history_jobs (tenant, name,
  ((case when jsonb_typeof(payload #> '{json,dueAt}'::text[]) = 'string' then payload #>> '{json,dueAt}'::text[] end) collate "C"))
  where name = 'order.ship'`;

/** Builds it (timed), then drain throughput with it and without. */
export async function tryDueAtIndex(
  db: Kysely<HistoryDatabase>,
  log: (message: string) => void,
): Promise<void> {
  const started = performance.now();
  await sql.raw(DUE_AT_INDEX).execute(db);
  await sql`analyze history_jobs`.execute(db);
  const size = (await relationSizes(db)).find(
    (r) => r.name === 'bench_order_due_at',
  );
  log(
    `\nbench_order_due_at: built in ${((performance.now() - started) / 1_000).toFixed(1)} s, ${((size?.bytes ?? 0) / 2 ** 20).toFixed(1)} MiB`,
  );
  const withIt = await measureDrain(db, 'due-with', 30_000);
  await sql`drop index bench_order_due_at`.execute(db);
  const without = await measureDrain(db, 'due-without', 30_000);
  log(
    `drain with it ${withIt.perSecond.toFixed(0)} transitions/s, without ${without.perSecond.toFixed(0)} (${(withIt.perSecond / without.perSecond).toFixed(2)}×)`,
  );
  await sql.raw(DUE_AT_INDEX).execute(db);
}

/**
 * The date-range kinds timed again with the per-field index built, and a
 * drain with it beside the GIN indexes; the index is dropped afterwards.
 */
export async function withDueAtIndex(
  db: Kysely<HistoryDatabase>,
  store: HistoryStore,
  kinds: readonly SearchKindSpec[],
  runs: number,
): Promise<{ searches: SearchTiming[]; drain: DrainReading }> {
  await sql.raw(DUE_AT_INDEX).execute(db);
  await sql`analyze history_jobs`.execute(db);
  const dueAt = kinds.filter((k) => k.kind.includes('dueAt'));
  const searches = (await timeSearches(store, dueAt, runs)).map((s) => ({
    ...s,
    kind: `${s.kind}, with bench_order_due_at`,
  }));
  const drain = await measureDrain(
    db,
    'with indexes + bench_order_due_at',
    runs < 10 ? 3_000 : 60_000,
  );
  await sql`drop index bench_order_due_at`.execute(db);
  return { searches, drain };
}
