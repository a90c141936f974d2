import { startRedisServer, type RedisServerHandle } from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { quietLogger, type BenchContext, type Sample } from './context.ts';
import { startNoiseMeter, type NoiseReading } from './noise.ts';
import { Profiler } from './profiler.ts';
import { waitUntilQuiet } from './quiet-wait.ts';
import { writeResults } from './write-results.ts';
import { runClusterBench } from './cluster/run-cluster-bench.ts';
import { runSearchBench } from './search/run-search-bench.ts';
import {
  consoleTable,
  judgeNoise,
  NOISE_RULE_TEXT,
  noiseLine,
  summarize,
  verdicts,
  type Row,
  type ScenarioNoise,
  type Verdict,
} from './report.ts';
import type { Scenario } from './scenario.ts';
import { apiScenario } from './scenarios/api.ts';
import { bulkScenario } from './scenarios/bulk.ts';
import { delayedScenario } from './scenarios/delayed.ts';
import { fairnessScenario } from './scenarios/fairness.ts';
import { memoryScenario } from './scenarios/memory.ts';
import { pickupScenario } from './scenarios/pickup.ts';
import { producerScenario } from './scenarios/producer.ts';
import { redisCpuScenario } from './scenarios/redis-cpu.ts';
import { replicatedAckScenario } from './scenarios/replicated-ack.ts';
import { historyScenario } from './scenarios/history.ts';
import { observabilityScenario } from './scenarios/observability.ts';
import { sealingScenario } from './scenarios/sealing.ts';
import { upcastScenario } from './scenarios/upcast.ts';
import { workerScenario } from './scenarios/worker.ts';

const SCENARIOS: Scenario[] = [
  producerScenario,
  apiScenario,
  bulkScenario,
  workerScenario,
  observabilityScenario,
  historyScenario,
  pickupScenario,
  delayedScenario,
  redisCpuScenario,
  memoryScenario,
  fairnessScenario,
  upcastScenario,
  sealingScenario,
  replicatedAckScenario,
];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
    search: { type: 'boolean', default: false },
    explain: { type: 'boolean', default: false },
    // Before each scenario, wait (up to this many seconds) for other work to stop.
    'wait-quiet': { type: 'boolean', default: false },
    'wait-quiet-max': { type: 'string', default: '900' },
    'write-noisy': { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const only = values.only ? new Set(values.only.split(',').map(Number)) : null;
const repetitions = quick ? 1 : 3;
const log = (message: string) => console.log(message);

// Its own PostgreSQL at volume; writes only its own section of the docs.
if (values.search) {
  try {
    await runSearchBench({ quick, log, explain: values.explain });
  } catch (error) {
    console.error('Search benchmark failed:', error);
    process.exit(1);
  }
  process.exit(0);
}

// Its own topologies and table; it writes nothing to docs.
if (values.cluster) {
  try {
    await runClusterBench({ quick, log });
  } catch (error) {
    console.error('Cluster benchmark failed:', error);
    process.exit(1);
  }
  process.exit(0);
}

let server: RedisServerHandle | undefined;
const redisUrl =
  process.env.REDIS_URL ?? (server = await startRedisServer()).url;
// Stopped only as this process exits: clients still closing would otherwise
// log reconnection errors to a server that is gone.
process.on('exit', () => server?.process.kill('SIGTERM'));
const profiler = values.profile
  ? new Profiler(
      fileURLToPath(
        new URL(
          `../.profiles/${new Date().toISOString().replace(/[:.]/g, '-')}`,
          import.meta.url,
        ),
      ),
    )
  : undefined;
const ctx: BenchContext = {
  redisUrl,
  quick,
  logger: quietLogger(),
  log,
  profiler,
};
log(
  `yarn bench${quick ? ' --quick (smoke run: sizes too small for conclusions)' : ''}${profiler ? ` --profile (profiles in ${profiler.dir}; timings skewed by the profiler)` : ''} against ${redisUrl}`,
);

const rows: Row[] = [];
const results: Verdict[] = [];
const noises: ScenarioNoise[] = [];
const started = Date.now();
const wholeRun = startNoiseMeter();
try {
  for (const scenario of SCENARIOS) {
    if (only && !only.has(scenario.id)) continue;
    if (values['wait-quiet'])
      await waitUntilQuiet(String(scenario.id), {
        windowSeconds: 5,
        maxWaitSeconds: Number(values['wait-quiet-max']),
        log,
      });
    profiler?.begin(scenario.id);
    await scenario.before?.(ctx);
    const samples: Sample[] = [];
    const reps = scenario.id === memoryScenario.id ? 1 : repetitions;
    const whole = startNoiseMeter();
    const perRep: NoiseReading[] = [];
    try {
      // One unrecorded repetition first: the first side to run in a fresh
      // process otherwise pays the JIT's warm-up alone (quiet runs showed the
      // first repetition's ratio off by up to 30 % from the other two).
      if (reps > 1 && !quick) {
        log(`[${scenario.id}] ${scenario.title} — warm-up (not recorded)`);
        await scenario.run(ctx, ['raw', 'conveyor']);
      }
      for (let rep = 0; rep < reps; rep += 1) {
        // A/B interleaved: the side that goes first alternates between repetitions.
        const order =
          rep % 2 === 0
            ? (['raw', 'conveyor'] as const)
            : (['conveyor', 'raw'] as const);
        log(
          `[${scenario.id}] ${scenario.title} — repetition ${rep + 1}/${reps}`,
        );
        const meter = startNoiseMeter();
        const repSamples = await scenario.run(ctx, order);
        perRep.push(meter.stop());
        samples.push(...repSamples.map((sample) => ({ ...sample, rep })));
      }
    } finally {
      await scenario.after?.(ctx);
    }
    const scenarioRows = summarize(scenario, samples);
    const noise = judgeNoise(scenario, whole.stop(), perRep, scenarioRows);
    log(`[${scenario.id}] noise: ${noiseLine(noise)}`);
    if (profiler) log(profiler.report(scenario.title));
    noises.push(noise);
    rows.push(...scenarioRows);
    results.push(
      ...verdicts(scenario, scenarioRows).map((v) => ({
        ...v,
        noisy: noise.noisy,
      })),
    );
  }
} catch (error) {
  console.error(
    `Benchmark failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}

log(`\n${consoleTable(rows)}\n`);
for (const v of results)
  log(
    `${v.met ? 'MET    ' : 'NOT MET'}  ${v.label}: ${v.value}${v.noisy ? ' (noisy scenario)' : ''}`,
  );
log(`\n${NOISE_RULE_TEXT}`);
const runNoise = wholeRun.stop();
const runNoiseText = `load ${runNoise.load1.toFixed(2)}, steal ${runNoise.stealPercent?.toFixed(1) ?? '-'} %, other processes ${runNoise.otherPercent?.toFixed(1) ?? '-'} % of the machine`;
log(
  `\nTotal time ${((Date.now() - started) / 1_000).toFixed(0)} s; over the run: ${runNoiseText}`,
);
profiler?.close();

// A profiled run's timings include the profiler: they are not written down.
if (!quick && !only && !profiler) {
  const noisy = noises.filter((n) => n.noisy).map((n) => n.scenario);
  if (noisy.length > 0 && !values['write-noisy'])
    log(
      `\nNot written: scenario(s) ${noisy.join(', ')} ran on a busy machine (noise table above), so docs/benchmarks.md keeps its last quiet run. Rerun with --wait-quiet on an idle machine, or pass --write-noisy to write this run anyway.`,
    );
  else {
    await writeResults({
      redisUrl,
      repetitions,
      rows,
      results,
      noises,
      runNoise,
      runNoiseText,
    });
    log('Wrote docs/benchmarks.md and docs/benchmarks.json');
  }
}
process.exit(0);
