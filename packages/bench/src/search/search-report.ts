import { format } from '../report.ts';
import type { HotPathRow, ConsoleLoadReading } from './console-load.ts';
import type { DrainReading, RelationSize } from './index-write-cost.ts';
import type { SeedTiming } from './seed-history.ts';
import type { SearchTiming } from './time-searches.ts';

/** Everything one `yarn bench --search` run measured. */
export interface SearchBenchResult {
  rows: number;
  attempts: number;
  seed: SeedTiming;
  sizes: RelationSize[];
  searches: SearchTiming[];
  drain: DrainReading[];
  rebuildSeconds: number;
  hotPaths: HotPathRow[];
  load: ConsoleLoadReading[];
  perSecond: number;
}

/** The search p95 goal of issue #22. */
export const SEARCH_P95_MS = 200;

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export function searchTable(searches: readonly SearchTiming[]): string {
  return [
    '| query kind | runs | p50 ms | p95 ms | p99 ms | max ms | mean found | p95 ≤ 200 ms |',
    '|---|---|---|---|---|---|---|---|',
    ...searches.map(
      (s) =>
        `| ${s.kind} | ${s.runs} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} | ${format(s.meanFound)} | ${s.p95 <= SEARCH_P95_MS ? 'yes' : '**no**'} |`,
    ),
  ].join('\n');
}

export function sizeTable(sizes: readonly RelationSize[]): string {
  return [
    '| relation | size |',
    '|---|---|',
    ...sizes.map((s) => `| ${s.name} | ${mib(s.bytes)} |`),
  ].join('\n');
}

export function drainTable(drain: readonly DrainReading[]): string {
  const without = drain.find((d) => d.phase.startsWith('without'));
  return [
    '| phase | transitions | transitions/s | ÷ without |',
    '|---|---|---|---|',
    ...drain.map(
      (d) =>
        `| ${d.phase} | ${format(d.transitions)} | ${format(d.perSecond)} | ${without ? `${(d.perSecond / without.perSecond).toFixed(2)}×` : '-'} |`,
    ),
  ].join('\n');
}

export function hotPathTable(rows: readonly HotPathRow[]): string {
  return [
    '| metric (Conveyor side) | alone | with console searches | beside ÷ alone | Conveyor ÷ raw alone | Conveyor ÷ raw beside |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.metric} | ${format(r.alone)} | ${format(r.beside)} | ${(r.beside / r.alone).toFixed(2)}× | ${r.ratioAlone.toFixed(2)}× | ${r.ratioBeside.toFixed(2)}× |`,
    ),
  ].join('\n');
}

/** Mean transitions/s with the GIN indexes ÷ without. */
export function indexWriteRatio(drain: readonly DrainReading[]): number {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const withIdx = drain
    .filter((d) => d.phase.startsWith('with indexes ('))
    .map((d) => d.perSecond);
  const without = drain
    .filter((d) => d.phase.startsWith('without'))
    .map((d) => d.perSecond);
  return mean(withIdx) / mean(without);
}

export function searchMarkdown(r: SearchBenchResult, header: string): string {
  const builds = Object.entries(r.seed.indexSeconds)
    .map(([name, s]) => `${name} ${s.toFixed(1)} s`)
    .join(', ');
  const load = r.load
    .map(
      (l) => `${l.searches} searches (p95 ${ms(l.p95)} ms, ${l.failed} failed)`,
    )
    .join('; ');
  return [
    header,
    '',
    `Seeded ${format(r.rows)} jobs and ${format(r.attempts)} attempts in ${r.seed.insertSeconds.toFixed(1)} s; index builds (maintenance_work_mem 512MB): ${builds}.`,
    '',
    searchTable(r.searches),
    '',
    'Sizes at this volume (pg_table_size, pg_relation_size):',
    '',
    sizeTable(r.sizes),
    '',
    `History drain (applyTransitions, batches of 2,000) with the search GIN indexes, without them, with them rebuilt, and with them plus the per-field \`bench_order_due_at\` (every drained job is an order.ship: its worst case); rebuilding both (default maintenance_work_mem) took ${r.rebuildSeconds.toFixed(1)} s. With ÷ without: ${indexWriteRatio(r.drain).toFixed(2)}×.`,
    '',
    drainTable(r.drain),
    '',
    `Hot paths alone and with the console's searches beside them (${r.perSecond}/s against the same PostgreSQL; medians): ${load}.`,
    '',
    hotPathTable(r.hotPaths),
  ].join('\n');
}
