import type { Sample } from './context.ts';
import type { NoiseReading } from './noise.ts';
import type { Scenario } from './scenario.ts';
import { median, range } from './stats.ts';

export interface Row {
  scenario: number;
  title: string;
  metric: string;
  raw?: { median: number; range: [number, number] } | undefined;
  conveyor?: { median: number; range: [number, number] } | undefined;
  /** Conveyor ÷ raw, on medians. */
  ratio?: number | undefined;
  /** Conveyor ÷ raw within each repetition, in order. */
  ratios?: number[] | undefined;
}

export interface Verdict {
  label: string;
  value: string;
  met: boolean;
  /** Measured in a scenario the noise rule marked: read with care. */
  noisy?: boolean;
}

export function summarize(
  scenario: Scenario,
  samples: readonly Sample[],
): Row[] {
  const metrics = [...new Set(samples.map((s) => s.metric))];
  return metrics.map((metric) => {
    const side = (name: Sample['side']) => {
      const values = samples
        .filter((s) => s.metric === metric && s.side === name)
        .map((s) => s.value);
      return values.length > 0
        ? { median: median(values), range: range(values) }
        : undefined;
    };
    const raw = side('raw');
    const conveyor = side('conveyor');
    return {
      scenario: scenario.id,
      title: scenario.title,
      metric,
      raw,
      conveyor,
      ratio: raw && conveyor ? conveyor.median / raw.median : undefined,
      ratios: raw && conveyor ? repetitionRatios(samples, metric) : undefined,
    };
  });
}

function repetitionRatios(samples: readonly Sample[], metric: string) {
  const reps = [...new Set(samples.map((s) => s.rep ?? 0))];
  return reps.flatMap((rep) => {
    const value = (side: Sample['side']) =>
      samples.find(
        (s) => s.metric === metric && s.side === side && (s.rep ?? 0) === rep,
      )?.value;
    const raw = value('raw');
    const conveyor = value('conveyor');
    return raw && conveyor !== undefined ? [conveyor / raw] : [];
  });
}

/** What makes a scenario's run too noisy to read; printed with every run. */
export const NOISE_RULE = {
  stealPercent: 2,
  otherPercent: 10,
  ratioSpread: 0.2,
};
export const NOISE_RULE_TEXT = `A scenario is marked noisy when, over its repetitions, CPU steal is ≥ ${NOISE_RULE.stealPercent} % of the machine, or processes outside the bench (anything but this process and its children: servers, redis-server, PostgreSQL) use ≥ ${NOISE_RULE.otherPercent} % of the machine's CPU, or the per-repetition ratios (Conveyor ÷ raw within one repetition) of its headline metric (the one a goal is set on, else its first) span more than ${NOISE_RULE.ratioSpread * 100} % of their median.`;

export interface ScenarioNoise {
  scenario: number;
  reading: NoiseReading;
  repetitions: NoiseReading[];
  /** (max − min) ÷ median of the headline metrics' per-repetition ratios, the widest. */
  ratioSpread: number | null;
  noisy: boolean;
  why: string[];
}

export function judgeNoise(
  scenario: Scenario,
  reading: NoiseReading,
  repetitions: NoiseReading[],
  rows: readonly Row[],
): ScenarioNoise {
  const headline = new Set(
    scenario.goals.length > 0
      ? scenario.goals.map((g) => g.metric)
      : rows.slice(0, 1).map((r) => r.metric),
  );
  const spreads = rows
    .filter((r) => headline.has(r.metric))
    .flatMap((r) =>
      r.ratios && r.ratios.length > 1
        ? [(Math.max(...r.ratios) - Math.min(...r.ratios)) / median(r.ratios)]
        : [],
    );
  const ratioSpread = spreads.length > 0 ? Math.max(...spreads) : null;
  const why = [
    (reading.stealPercent ?? 0) >= NOISE_RULE.stealPercent
      ? `steal ${pct(reading.stealPercent)}`
      : '',
    (reading.otherPercent ?? 0) >= NOISE_RULE.otherPercent
      ? `other processes ${pct(reading.otherPercent)}`
      : '',
    (ratioSpread ?? 0) > NOISE_RULE.ratioSpread
      ? `ratio spread ${pct((ratioSpread ?? 0) * 100)}`
      : '',
  ].filter(Boolean);
  return {
    scenario: scenario.id,
    reading,
    repetitions,
    ratioSpread,
    noisy: why.length > 0,
    why,
  };
}

const pct = (value: number | null) =>
  value === null ? '-' : `${value.toFixed(1)} %`;

export function noiseLine(noise: ScenarioNoise): string {
  const r = noise.reading;
  return `load ${r.load1.toFixed(2)}, steal ${pct(r.stealPercent)}, machine busy ${pct(r.busyPercent)} (bench ${pct(r.benchPercent)}, other ${pct(r.otherPercent)}), ratio spread ${noise.ratioSpread === null ? '-' : pct(noise.ratioSpread * 100)}: ${noise.noisy ? `NOISY (${noise.why.join(', ')})` : 'quiet'}`;
}

export function noiseTable(noises: readonly ScenarioNoise[]): string {
  return [
    '| # | seconds | load (1 min) | steal | machine busy | bench processes | other processes | ratio spread | noisy |',
    '|---|---|---|---|---|---|---|---|---|',
    ...noises
      .map(({ reading: r, ...n }) =>
        [
          n.scenario,
          r.seconds.toFixed(0),
          r.load1.toFixed(2),
          pct(r.stealPercent),
          pct(r.busyPercent),
          pct(r.benchPercent),
          pct(r.otherPercent),
          n.ratioSpread === null ? '-' : pct(n.ratioSpread * 100),
          n.noisy ? `**yes** (${n.why.join(', ')})` : 'no',
        ].join(' | '),
      )
      .map((line) => `| ${line} |`),
  ].join('\n');
}

export function verdicts(scenario: Scenario, rows: readonly Row[]): Verdict[] {
  const goals = scenario.goals.map((goal) => {
    const ratio =
      rows.find((r) => r.metric === goal.metric)?.ratio ?? Number.NaN;
    const met =
      goal.direction === 'at-least' ? ratio >= goal.ratio : ratio <= goal.ratio;
    return { label: goal.label, value: `${ratio.toFixed(2)}×`, met };
  });
  const limits = (scenario.limits ?? []).map((limit) => {
    const value =
      rows.find((r) => r.metric === limit.metric)?.conveyor?.median ??
      Number.NaN;
    return {
      label: limit.label,
      value: format(value),
      met: value <= limit.max,
    };
  });
  return [...goals, ...limits];
}

export function format(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}

const cell = (side: Row['raw']) =>
  side
    ? `${format(side.median)} (${format(side.range[0])}–${format(side.range[1])})`
    : '-';

export function markdownTable(rows: readonly Row[]): string {
  const lines = [
    '| # | metric | raw: median (range) | Conveyor: median (range) | Conveyor ÷ raw | per repetition |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.metric} | ${cell(r.raw)} | ${cell(r.conveyor)} | ${r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}×`} | ${perRep(r)} |`,
    ),
  ];
  return lines.join('\n');
}

const perRep = (r: Row) =>
  r.ratios && r.ratios.length > 0
    ? r.ratios.map((x) => x.toFixed(2)).join(' · ')
    : '-';

export function consoleTable(rows: readonly Row[]): string {
  const header = [
    '#',
    'metric',
    'raw median (range)',
    'Conveyor median (range)',
    'ratio',
    'per rep',
  ];
  const body = rows.map((r) => [
    String(r.scenario),
    r.metric,
    cell(r.raw),
    cell(r.conveyor),
    r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}×`,
    perRep(r),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)),
  );
  return [header, ...body]
    .map((cols) => cols.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '))
    .join('\n');
}
