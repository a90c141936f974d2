import type { SoakRun, SoakSettings } from './run-soak.ts';
import {
  baselineAndLast,
  formatPercent,
  growthPercent,
  processTable,
  redisTable,
  verdictList,
  type ProcessRow,
} from './soak-report.ts';

/** What `.bench/soak.json` holds. */
export interface SoakResult extends SoakRun {
  machine: { date: string; cpu: string; node: string; redis: string };
  settings: Omit<SoakSettings, 'heapSnapshots'> & { heapSnapshots: boolean };
}

function growthLine(rows: readonly ProcessRow[], baselineJobs: number): string {
  const { baseline, last } = baselineAndLast(rows, baselineJobs);
  const pct = (pick: (row: ProcessRow) => number) =>
    formatPercent(growthPercent(pick(baseline), pick(last)));
  return `Growth from ${baseline.jobs.toLocaleString('en')} to ${last.jobs.toLocaleString('en')} jobs: heap used ${pct((r) => r.heapUsedMB)}, RSS ${pct((r) => r.rssMB)}, external ${pct((r) => r.externalMB)}.`;
}

/** The soak's results as the markdown section printed at the end of a run. */
export function soakMarkdown(result: SoakResult): string {
  const { settings, machine } = result;
  const every = settings.sampleEvery;
  const met = result.verdicts.every((v) => v.met);
  return [
    `**${settings.jobs.toLocaleString('en')} TEST_JOBs**, ${machine.date.slice(0, 10)}, ${machine.cpu}, Node ${machine.node}, Redis ${machine.redis}. ` +
      `Enqueued through the API as \`enqueueMany\` calls of ${settings.batch} jobs (${settings.callers} in flight, paused while more than ${settings.maxBacklog.toLocaleString('en')} wait); ` +
      `${result.jobsPerSecond.toLocaleString('en')} jobs/s end to end between samples, ${Math.round(result.seconds / 60)} min in all. ` +
      `Batches answered 503 or not at all (their jobs may exist; not counted): ${result.uncertainJobs.toLocaleString('en')} jobs.`,
    '',
    `**Verdict: ${met ? 'flat' : 'NOT flat'}.**`,
    '',
    verdictList(result.verdicts),
    '',
    '**API process**',
    '',
    processTable(result.processes.api),
    '',
    growthLine(result.processes.api, every),
    '',
    '**Worker process**',
    '',
    processTable(result.processes.worker),
    '',
    growthLine(result.processes.worker, every),
    '',
    '**Redis**',
    '',
    redisTable(result.redis),
  ].join('\n');
}
