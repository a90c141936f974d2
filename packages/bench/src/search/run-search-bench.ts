import {
  HistoryStore,
  openHistoryDatabase,
  type HistoryDatabaseHandle,
} from '@conveyor/history';
import { startPostgres, startRedisServer } from '@conveyor/testkit';
import { sql } from 'kysely';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { quietLogger, type BenchContext } from '../context.ts';
import { startNoiseMeter } from '../noise.ts';
import { measureHotPaths, startConsoleLoad } from './console-load.ts';
import {
  createSearchIndexes,
  dropSearchIndexes,
  measureDrain,
  relationSizes,
  type DrainReading,
} from './index-write-cost.ts';
import {
  SEARCH_P95_MS,
  searchMarkdown,
  type SearchBenchResult,
} from './search-report.ts';
import { searchKinds, type SearchKindSpec } from './search-queries.ts';
import { explainSearches } from './explain-searches.ts';
import { withDueAtIndex } from './proposed-index.ts';
import { seedHistory } from './seed-history.ts';
import { timeSearches } from './time-searches.ts';

const ROOT = new URL('../../../../', import.meta.url);
/** Searches a second issued by the console load beside the hot paths. */
const CONSOLE_SEARCHES_PER_SECOND = 5;

interface Options {
  quick: boolean;
  /** Seed, then print each kind's EXPLAIN ANALYZE instead of timing. */
  explain?: boolean;
  log: (message: string) => void;
}

/** Drain throughput with the search indexes, without, and with them again (rebuilt). */
async function indexWriteCost(
  db: HistoryDatabaseHandle['db'],
  transitions: number,
  log: Options['log'],
): Promise<{ drain: DrainReading[]; rebuildSeconds: number }> {
  const drain: DrainReading[] = [];
  drain.push(await measureDrain(db, 'with indexes (1)', transitions));
  log(`  with indexes: ${drain.at(-1)?.perSecond.toFixed(0)} transitions/s`);
  await dropSearchIndexes(db);
  drain.push(await measureDrain(db, 'without indexes', transitions));
  log(`  without: ${drain.at(-1)?.perSecond.toFixed(0)} transitions/s`);
  const rebuildSeconds = await createSearchIndexes(db);
  await sql`analyze history_jobs`.execute(db);
  drain.push(await measureDrain(db, 'with indexes (2, rebuilt)', transitions));
  log(`  with again: ${drain.at(-1)?.perSecond.toFixed(0)} transitions/s`);
  return { drain, rebuildSeconds };
}

/** A preview that stops counting at 10,000 ("more than 10,000"): what a smaller cap buys. */
function withSmallCountCap(
  kinds: SearchKindSpec[],
  db: HistoryDatabaseHandle['db'],
): SearchKindSpec[] {
  const count = kinds.find((k) => k.kind === 'count: country eq');
  if (!count) return kinds;
  const store = new HistoryStore(db, { countCap: 10_000 });
  return [...kinds, { ...count, kind: 'count, cap 10,000: country eq', store }];
}

async function measure(
  ctx: BenchContext,
  database: HistoryDatabaseHandle,
): Promise<SearchBenchResult> {
  const { db } = database;
  const log = (message: string) => ctx.log(message);
  const rows = ctx.quick ? 20_000 : 1_000_000;
  ctx.log(`Seeding ${rows.toLocaleString('en-US')} history rows`);
  // Built by the API in the background (not a migration): here before seeding, which rebuilds every index.
  await createSearchIndexes(db);
  const seed = await seedHistory(db, rows, log);
  const attempts = Number(
    (
      await sql<{
        n: string;
      }>`select count(*)::text as n from history_attempts`.execute(db)
    ).rows[0]?.n ?? 0,
  );
  const sizes = await relationSizes(db);
  const store = new HistoryStore(db);
  const kinds = withSmallCountCap(searchKinds(rows), db);
  const runs = ctx.quick ? 3 : 60;
  ctx.log(`Timing ${kinds.length} query kinds × ${runs} runs`);
  const searches = await timeSearches(store, kinds, runs);
  for (const s of searches)
    ctx.log(
      `  ${s.kind}: p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms`,
    );
  ctx.log('The date range again, with a per-field index');
  const dueAt = await withDueAtIndex(db, store, kinds, runs);
  searches.push(...dueAt.searches);
  ctx.log('Index write cost (history drain)');
  const { drain, rebuildSeconds } = await indexWriteCost(
    db,
    ctx.quick ? 3_000 : 60_000,
    log,
  );
  ctx.log('Hot paths alone and beside the console searches');
  const { rows: hotPaths, load } = await measureHotPaths(ctx, () =>
    startConsoleLoad(store, kinds, CONSOLE_SEARCHES_PER_SECOND),
  );
  return {
    rows,
    attempts,
    seed,
    sizes,
    searches,
    drain: [...drain, dueAt.drain],
    rebuildSeconds,
    hotPaths,
    load,
    perSecond: CONSOLE_SEARCHES_PER_SECOND,
  };
}

/**
 * `yarn bench --search`: job history search at volume on a PostgreSQL and
 * redis-server of its own. A full run writes its section of
 * docs/benchmarks.md; `--quick` only proves the harness (no timings judged).
 */
export async function runSearchBench(options: Options): Promise<void> {
  const { quick, log } = options;
  const redis = await startRedisServer();
  const postgres = await startPostgres();
  const database = await openHistoryDatabase({
    connectionString: postgres.url,
    logger: quietLogger(),
    maxConnections: 10,
  });
  const ctx: BenchContext = {
    redisUrl: redis.url,
    quick,
    logger: quietLogger(),
    log,
  };
  const meter = startNoiseMeter();
  try {
    if (options.explain) {
      await createSearchIndexes(database.db);
      await seedHistory(database.db, quick ? 20_000 : 1_000_000, log);
      await explainSearches(
        postgres.url,
        searchKinds(quick ? 20_000 : 1_000_000),
        log,
      );
      return;
    }
    const result = await measure(ctx, database);
    const noise = meter.stop();
    const noiseText = `load ${noise.load1.toFixed(2)}, steal ${noise.stealPercent?.toFixed(1) ?? '-'} %, other processes ${noise.otherPercent?.toFixed(1) ?? '-'} % of the machine`;
    const header = `Run ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}, PostgreSQL from ${postgres.binaries} (defaults but fsync off); ${Math.round(noise.seconds)} s in all; over the run: ${noiseText}.`;
    const text = searchMarkdown(result, header);
    log(`\n${text}\n`);
    const over = result.searches.filter((s) => s.p95 > SEARCH_P95_MS);
    log(
      quick
        ? '--quick: sizes too small for conclusions; no goal judged, nothing written.'
        : over.length === 0
          ? `MET      search p95 ≤ ${SEARCH_P95_MS} ms for every query kind`
          : `NOT MET  search p95 ≤ ${SEARCH_P95_MS} ms: ${over.map((s) => s.kind).join(', ')}`,
    );
    if (!quick) writeSection(text);
  } finally {
    await database.close();
    await postgres.dispose();
    await redis.stop();
  }
}

function writeSection(text: string): void {
  const file = new URL('docs/benchmarks.md', ROOT);
  const doc = readFileSync(file, 'utf8');
  const block = `<!-- search-bench:start -->\n${text}\n<!-- search-bench:end -->`;
  if (!doc.includes('<!-- search-bench:start -->')) {
    console.log(
      'docs/benchmarks.md has no search-bench markers: section not written',
    );
    return;
  }
  writeFileSync(
    file,
    doc.replace(
      /<!-- search-bench:start -->[\s\S]*<!-- search-bench:end -->/,
      block,
    ),
  );
  console.log('Wrote the search section of docs/benchmarks.md');
}
