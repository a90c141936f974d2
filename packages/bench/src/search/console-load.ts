import type { HistoryStore } from '@conveyor/history';
import type { BenchContext, Sample } from '../context.ts';
import { median, percentile } from '../stats.ts';
import type { Scenario } from '../scenario.ts';
import { producerScenario } from '../scenarios/producer.ts';
import { workerScenario } from '../scenarios/worker.ts';
import { runSearch } from './time-searches.ts';
import { seededRandom, type SearchKindSpec } from './search-queries.ts';

/** What the console's background searches did while a hot path ran. */
export interface ConsoleLoadReading {
  searches: number;
  failed: number;
  p95: number;
}

/**
 * Searches as an operator's console would issue them: one every
 * `1000 / perSecond` ms, the kinds in turn, at most two in flight (a slow
 * one delays the next rather than piling up). Stops on `stop()`.
 */
export function startConsoleLoad(
  store: HistoryStore,
  kinds: readonly SearchKindSpec[],
  perSecond: number,
): { stop(): Promise<ConsoleLoadReading> } {
  const random = seededRandom(11);
  const times: number[] = [];
  const running = new Set<Promise<void>>();
  let failed = 0;
  let i = 0;
  const timer = setInterval(() => {
    if (running.size >= 2) return;
    const spec = kinds[i % kinds.length];
    if (!spec) return;
    const n = i;
    i += 1;
    const search: Promise<void> = runSearch(store, spec, n, random)
      .then((r) => void (r.ms !== null && times.push(r.ms)))
      .catch(() => void (failed += 1))
      .finally(() => running.delete(search));
    running.add(search);
  }, 1_000 / perSecond);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(running);
      return { searches: times.length, failed, p95: percentile(times, 95) };
    },
  };
}

export interface HotPathRow {
  metric: string;
  alone: number;
  beside: number;
  /** Conveyor ÷ raw within the runs, medians: unchanged means the console costs both sides alike. */
  ratioAlone: number;
  ratioBeside: number;
}

const HOT_PATHS: Scenario[] = [producerScenario, workerScenario];

/**
 * The enqueue and worker scenarios (both sides) alone and with the console
 * load beside them, interleaved alone/beside/beside/alone; Conveyor's
 * medians compared.
 */
export async function measureHotPaths(
  ctx: BenchContext,
  startLoad: () => { stop(): Promise<ConsoleLoadReading> },
): Promise<{ rows: HotPathRow[]; load: ConsoleLoadReading[] }> {
  const plan = ctx.quick
    ? (['alone', 'beside'] as const)
    : (['alone', 'beside', 'beside', 'alone'] as const);
  const samples: (Sample & { when: 'alone' | 'beside' })[] = [];
  const load: ConsoleLoadReading[] = [];
  for (const [rep, when] of plan.entries())
    for (const scenario of HOT_PATHS) {
      ctx.log(`  [${scenario.id}] ${when} (run ${rep + 1}/${plan.length})`);
      const order =
        rep % 2 === 0
          ? (['raw', 'conveyor'] as const)
          : (['conveyor', 'raw'] as const);
      const background = when === 'beside' ? startLoad() : undefined;
      const got = await scenario.run(ctx, order);
      if (background) load.push(await background.stop());
      const label = scenario === producerScenario ? 'producer' : 'worker';
      samples.push(
        ...got.map((s) => ({
          ...s,
          metric: `${label} ${s.metric}`,
          rep,
          when,
        })),
      );
    }
  const metrics = [...new Set(samples.map((s) => s.metric))];
  const value = (metric: string, when: string, side: string) =>
    median(
      samples
        .filter(
          (s) => s.metric === metric && s.when === when && s.side === side,
        )
        .map((s) => s.value),
    );
  const rows = metrics.map((metric) => ({
    metric,
    alone: value(metric, 'alone', 'conveyor'),
    beside: value(metric, 'beside', 'conveyor'),
    ratioAlone:
      value(metric, 'alone', 'conveyor') / value(metric, 'alone', 'raw'),
    ratioBeside:
      value(metric, 'beside', 'conveyor') / value(metric, 'beside', 'raw'),
  }));
  return { rows, load };
}
