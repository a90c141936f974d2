import type { Sample } from './context.ts';
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
}

export interface Verdict {
  label: string;
  value: string;
  met: boolean;
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
    };
  });
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
    '| # | metric | raw: median (range) | Conveyor: median (range) | Conveyor ÷ raw |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.metric} | ${cell(r.raw)} | ${cell(r.conveyor)} | ${r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}×`} |`,
    ),
  ];
  return lines.join('\n');
}

export function consoleTable(rows: readonly Row[]): string {
  const header = [
    '#',
    'metric',
    'raw median (range)',
    'Conveyor median (range)',
    'ratio',
  ];
  const body = rows.map((r) => [
    String(r.scenario),
    r.metric,
    cell(r.raw),
    cell(r.conveyor),
    r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)),
  );
  return [header, ...body]
    .map((cols) => cols.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '))
    .join('\n');
}
