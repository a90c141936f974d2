import { Redis } from 'ioredis';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { NoiseReading } from './noise.ts';
import {
  markdownTable,
  NOISE_RULE_TEXT,
  noiseTable,
  type Row,
  type ScenarioNoise,
  type Verdict,
} from './report.ts';

const ROOT = new URL('../../../', import.meta.url);

/** What a full run measured, as `docs/benchmarks.md` and `.json` keep it. */
export interface RunResults {
  redisUrl: string;
  repetitions: number;
  rows: Row[];
  results: Verdict[];
  noises: ScenarioNoise[];
  runNoise: NoiseReading;
  runNoiseText: string;
}

async function machineFacts(run: RunResults) {
  const probe = new Redis(run.redisUrl);
  const redisVersion =
    /redis_version:(\S+)/.exec(await probe.info('server'))?.[1] ?? '?';
  probe.disconnect();
  const version = (pkg: string) =>
    (
      JSON.parse(
        readFileSync(new URL(`node_modules/${pkg}/package.json`, ROOT), 'utf8'),
      ) as { version: string }
    ).version;
  return {
    date: new Date().toISOString(),
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    redis: redisVersion,
    bullmq: version('bullmq'),
    ioredis: version('ioredis'),
    trpc: version('@trpc/server'),
    autocannon: version('autocannon'),
    repetitions: run.repetitions,
    seconds: Math.round(run.runNoise.seconds),
    noise: run.runNoise,
  };
}

type Machine = Awaited<ReturnType<typeof machineFacts>>;

function section(run: RunResults, machine: Machine): string {
  const quiet = run.noises.every((n) => !n.noisy);
  return [
    '<!-- bench:start -->',
    `Run ${machine.date} on ${machine.cpu}, ${machine.memoryGiB} GiB; Node ${machine.node}, Redis ${machine.redis}, BullMQ ${machine.bullmq}, ioredis ${machine.ioredis}, tRPC ${machine.trpc}, autocannon ${machine.autocannon}; ${run.repetitions} interleaved repetitions, medians with (min–max); ${machine.seconds} s in all; over the run: ${run.runNoiseText}. ${quiet ? 'No scenario was marked noisy: a quiet run.' : '**Written with --write-noisy: some scenarios were marked noisy.**'}`,
    '',
    markdownTable(run.rows),
    '',
    'Noise while each scenario ran (shares of the whole machine, all cores):',
    '',
    noiseTable(run.noises),
    '',
    NOISE_RULE_TEXT,
    '',
    '| goal | measured | met |',
    '|---|---|---|',
    ...run.results.map(
      (v) =>
        `| ${v.label} | ${v.value}${v.noisy ? ' (noisy)' : ''} | ${v.met ? 'yes' : '**no**'} |`,
    ),
    '<!-- bench:end -->',
  ].join('\n');
}

/** Rewrites the run's section of docs/benchmarks.md and the whole of docs/benchmarks.json. */
export async function writeResults(run: RunResults): Promise<void> {
  const machine = await machineFacts(run);
  writeFileSync(
    new URL('docs/benchmarks.json', ROOT),
    `${JSON.stringify({ machine, rows: run.rows, goals: run.results, noise: run.noises, noiseRule: NOISE_RULE_TEXT }, null, 2)}\n`,
  );
  const doc = readFileSync(new URL('docs/benchmarks.md', ROOT), 'utf8');
  writeFileSync(
    new URL('docs/benchmarks.md', ROOT),
    doc.replace(
      /<!-- bench:start -->[\s\S]*<!-- bench:end -->/,
      section(run, machine),
    ),
  );
}
