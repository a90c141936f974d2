import { searchFields } from '@conveyor/core';
import {
  searchIndexName,
  searchIndexStatement,
  type HistoryDatabase,
  type HistoryStore,
  type SearchIndexSpec,
} from '@conveyor/history';
import { sql, type Kysely } from 'kysely';
import {
  measureDrain,
  relationSizes,
  type DrainReading,
} from './index-write-cost.ts';
import type { SearchKindSpec } from './search-queries.ts';
import { orderShip } from './search-registry.ts';
import { timeSearches, type SearchTiming } from './time-searches.ts';

/**
 * A range on a payload field reads the value out of every row of the job in
 * the time range: no generic index answers it. A job's contract can ask
 * for a range index per field (`defineJob({ searchIndexes })`), which the
 * API builds with `ensureSearchIndexes`: this builds the two order.ship
 * would declare (`data.dueAt`, `data.amountCents`) with the same statements, to show
 * what they buy and cost.
 */
const RANGE_FIELDS = ['data.dueAt', 'data.amountCents'];
export const RANGE_INDEX_SPECS: SearchIndexSpec[] = searchFields(
  orderShip.input,
  'data',
)
  .filter((field) => RANGE_FIELDS.includes(field.path))
  .map((field) => ({ job: orderShip.name, field }));

async function build(db: Kysely<HistoryDatabase>): Promise<void> {
  for (const spec of RANGE_INDEX_SPECS)
    await searchIndexStatement(spec).execute(db);
  await sql`analyze history_jobs`.execute(db);
}

async function drop(db: Kysely<HistoryDatabase>): Promise<void> {
  for (const spec of RANGE_INDEX_SPECS)
    await sql`drop index if exists ${sql.id(searchIndexName(spec))}`.execute(
      db,
    );
}

/** Builds them (timed), then drain throughput with them and without. */
export async function tryDueAtIndex(
  db: Kysely<HistoryDatabase>,
  log: (message: string) => void,
): Promise<void> {
  const started = performance.now();
  await build(db);
  const names = new Set(RANGE_INDEX_SPECS.map(searchIndexName));
  const bytes = (await relationSizes(db))
    .filter((r) => names.has(r.name))
    .reduce((sum, r) => sum + r.bytes, 0);
  log(
    `\nsearchIndexes data.dueAt, data.amountCents: built in ${((performance.now() - started) / 1_000).toFixed(1)} s, ${(bytes / 2 ** 20).toFixed(1)} MiB`,
  );
  const withIt = await measureDrain(db, 'due-with', 30_000);
  await drop(db);
  const without = await measureDrain(db, 'due-without', 30_000);
  log(
    `drain with them ${withIt.perSecond.toFixed(0)} transitions/s, without ${without.perSecond.toFixed(0)} (${(withIt.perSecond / without.perSecond).toFixed(2)}×)`,
  );
  await build(db);
}

/**
 * The range kinds timed again with the two range indexes built, and a
 * drain with them beside the GIN indexes; they are dropped afterwards.
 */
export async function withDueAtIndex(
  db: Kysely<HistoryDatabase>,
  store: HistoryStore,
  kinds: readonly SearchKindSpec[],
  runs: number,
): Promise<{ searches: SearchTiming[]; drain: DrainReading }> {
  await build(db);
  const ranged = kinds.filter((k) => k.kind.includes('range'));
  const searches = (await timeSearches(store, ranged, runs)).map((s) => ({
    ...s,
    kind: `${s.kind}, with searchIndexes`,
  }));
  const drain = await measureDrain(
    db,
    'with indexes + searchIndexes (dueAt, amountCents)',
    runs < 10 ? 3_000 : 60_000,
  );
  await drop(db);
  return { searches, drain };
}
