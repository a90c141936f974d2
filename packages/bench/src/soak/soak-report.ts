import type { ProbeSample } from './service-process.ts';

/** One sample of one service process, after a forced GC. */
export interface ProcessRow {
  jobs: number;
  heapUsedMB: number;
  heapTotalMB: number;
  rssMB: number;
  externalMB: number;
  /** Active handles, requests and ref'ed timers, by type. */
  handles: Record<string, number>;
  /** Its established connections to Redis (from /proc). */
  redisConnections: number;
  processListeners: number;
  /** The most listeners on one event of `process` or any active handle. */
  maxListeners: { owner: string; event: string; count: number };
  maxListenersWarnings: number;
}

/** Redis at the same moment. */
export interface RedisRow {
  jobs: number;
  /** CLIENT LIST minus the soak's own connection. */
  clients: number;
  usedMemoryMB: number;
  keys: number;
  /** Completed jobs still stored (the contract keeps the last 1,000). */
  completedKept: number;
  failed: number;
}

export interface Verdict {
  label: string;
  met: boolean;
  detail: string;
}

/** Heap after GC may grow less than this from the baseline sample to the last. */
export const MAX_HEAP_GROWTH_PERCENT = 5;
export const KEPT_COMPLETED = 1_000;

const MB = 1024 * 1024;
const round = (value: number, digits = 1) =>
  Math.round(value * 10 ** digits) / 10 ** digits;

/** `['Timeout', 'TCPSocketWrap', 'Timeout']` → `{ TCPSocketWrap: 1, Timeout: 2 }`, sorted by type. */
export function countByType(
  resources: readonly string[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of [...resources].sort())
    counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

export function processRow(
  jobs: number,
  sample: ProbeSample,
  redisConnections: number,
): ProcessRow {
  const { memory } = sample;
  return {
    jobs,
    heapUsedMB: round(memory.heapUsed / MB, 2),
    heapTotalMB: round(memory.heapTotal / MB),
    rssMB: round(memory.rss / MB),
    externalMB: round(memory.external / MB, 2),
    handles: countByType(sample.resources),
    redisConnections,
    processListeners: sample.processListeners,
    maxListeners: sample.maxListeners,
    maxListenersWarnings: sample.maxListenersWarnings,
  };
}

export function growthPercent(first: number, last: number): number {
  return first === 0 ? 0 : ((last - first) / first) * 100;
}

/** The first sample taken after `baselineJobs` (warm-up excluded), and the last. */
export function baselineAndLast<TRow extends { jobs: number }>(
  rows: readonly TRow[],
  baselineJobs: number,
): { baseline: TRow; last: TRow } {
  const baseline = rows.find((row) => row.jobs >= baselineJobs);
  const last = rows.at(-1);
  if (!baseline || !last) throw new Error('no sample after the warm-up');
  return { baseline, last };
}

/** Handle types whose count at the last sample is above the baseline's. */
export function grownHandles(
  baseline: Record<string, number>,
  last: Record<string, number>,
): string[] {
  return Object.keys(last)
    .filter((type) => (last[type] ?? 0) > (baseline[type] ?? 0))
    .map((type) => `${type} ${baseline[type] ?? 0} → ${last[type]}`);
}

export function processVerdicts(
  name: string,
  rows: readonly ProcessRow[],
  baselineJobs: number,
): Verdict[] {
  const { baseline, last } = baselineAndLast(rows, baselineJobs);
  const growth = growthPercent(baseline.heapUsedMB, last.heapUsedMB);
  const grown = grownHandles(baseline.handles, last.handles);
  const span = `${baseline.jobs.toLocaleString('en')} → ${last.jobs.toLocaleString('en')} jobs`;
  return [
    {
      label: `${name}: heap used after GC grows < ${MAX_HEAP_GROWTH_PERCENT} %`,
      met: growth < MAX_HEAP_GROWTH_PERCENT,
      detail: `${baseline.heapUsedMB} → ${last.heapUsedMB} MB (${formatPercent(growth)}), ${span}`,
    },
    {
      label: `${name}: active handles and timers flat`,
      met: grown.length === 0,
      detail: grown.length
        ? grown.join(', ')
        : `${handleTotal(last.handles)} at the last sample, none above the baseline's ${handleTotal(baseline.handles)}`,
    },
    {
      label: `${name}: Redis connections flat`,
      met: last.redisConnections <= baseline.redisConnections,
      detail: `${baseline.redisConnections} → ${last.redisConnections}`,
    },
    {
      label: `${name}: listeners flat, no MaxListenersExceededWarning`,
      met:
        last.processListeners <= baseline.processListeners &&
        last.maxListeners.count <= baseline.maxListeners.count &&
        last.maxListenersWarnings === 0,
      detail: `process ${baseline.processListeners} → ${last.processListeners}; most on one event ${baseline.maxListeners.count} → ${last.maxListeners.count} (${describeMax(last)}); warnings ${last.maxListenersWarnings}`,
    },
  ];
}

export function redisVerdicts(
  rows: readonly RedisRow[],
  baselineJobs: number,
): Verdict[] {
  const { baseline, last } = baselineAndLast(rows, baselineJobs);
  const mostKept = Math.max(...rows.map((row) => row.completedKept));
  return [
    {
      label: 'Redis: client connections flat',
      met: last.clients <= baseline.clients,
      detail: `${baseline.clients} → ${last.clients}`,
    },
    {
      label: `Redis: completed jobs removed (at most ${KEPT_COMPLETED.toLocaleString('en')} kept)`,
      met: mostKept <= KEPT_COMPLETED,
      detail: `at most ${mostKept} kept; ${last.keys} keys, ${last.usedMemoryMB} MB used at the end`,
    },
    {
      label: 'every job completed (none failed)',
      met: last.failed === 0,
      detail: `${last.failed} failed`,
    },
  ];
}

export function formatPercent(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)} %`;
}

function handleTotal(handles: Record<string, number>): number {
  return Object.values(handles).reduce((sum, count) => sum + count, 0);
}

function describeMax(row: ProcessRow): string {
  const { owner, event } = row.maxListeners;
  return event ? `${owner} '${event}'` : 'none';
}

export function processTable(rows: readonly ProcessRow[]): string {
  const lines = [
    '| Jobs done | Heap used after GC (MB) | Heap total (MB) | RSS (MB) | External (MB) | Active handles and timers | Redis conns | `process` listeners | Most listeners on one event |',
    '| --: | --: | --: | --: | --: | --- | --: | --: | --- |',
  ];
  for (const row of rows) {
    const handles = Object.entries(row.handles)
      .map(([type, count]) => `${type} ${count}`)
      .join(', ');
    lines.push(
      `| ${row.jobs.toLocaleString('en')} | ${row.heapUsedMB.toFixed(2)} | ${row.heapTotalMB} | ${row.rssMB} | ${row.externalMB.toFixed(2)} | ${handles} | ${row.redisConnections} | ${row.processListeners} | ${row.maxListeners.count} (${describeMax(row)}) |`,
    );
  }
  return lines.join('\n');
}

export function redisTable(rows: readonly RedisRow[]): string {
  const lines = [
    '| Jobs done | Clients | Used memory (MB) | Keys | Completed kept | Failed |',
    '| --: | --: | --: | --: | --: | --: |',
  ];
  for (const row of rows)
    lines.push(
      `| ${row.jobs.toLocaleString('en')} | ${row.clients} | ${row.usedMemoryMB} | ${row.keys} | ${row.completedKept} | ${row.failed} |`,
    );
  return lines.join('\n');
}

export function verdictList(verdicts: readonly Verdict[]): string {
  return verdicts
    .map(
      (v) => `- ${v.met ? '**met**' : '**NOT MET**'} ${v.label}: ${v.detail}`,
    )
    .join('\n');
}
