import { describe, expect, it } from 'vitest';
import type { Sample } from './context.ts';
import type { NoiseReading } from './noise.ts';
import { judgeNoise, summarize } from './report.ts';
import type { Scenario } from './scenario.ts';

const scenario: Scenario = {
  id: 1,
  title: 'test',
  goals: [],
  run: () => Promise.resolve([]),
};

const quiet: NoiseReading = {
  seconds: 10,
  load1: 2,
  stealPercent: 0.5,
  busyPercent: 80,
  benchPercent: 78,
  otherPercent: 2,
};

/** jobs/s per repetition: raw 100 each time, Conveyor as given. */
function samples(conveyor: number[]): Sample[] {
  return conveyor.flatMap((value, rep) => [
    { metric: 'jobs/s', side: 'raw' as const, value: 100, rep },
    { metric: 'jobs/s', side: 'conveyor' as const, value, rep },
  ]);
}

describe('summarize', () => {
  it('gives the ratio of medians and the ratio within each repetition', () => {
    const [row] = summarize(scenario, samples([50, 60, 40]));
    expect(row?.ratio).toBe(0.5);
    expect(row?.ratios).toEqual([0.5, 0.6, 0.4]);
  });
});

describe('judgeNoise', () => {
  it('calls a run quiet when steal, other load and the ratio spread are low', () => {
    const rows = summarize(scenario, samples([50, 52, 49]));
    const noise = judgeNoise(scenario, quiet, [], rows);
    expect(noise.noisy).toBe(false);
    expect(noise.ratioSpread).toBeCloseTo(0.06);
  });

  it("reads the spread of the goal's metric only", () => {
    const rows = summarize(scenario, [
      ...samples([50, 52, 49]),
      { metric: 'p99 ms', side: 'raw', value: 10, rep: 0 },
      { metric: 'p99 ms', side: 'conveyor', value: 10, rep: 0 },
      { metric: 'p99 ms', side: 'raw', value: 10, rep: 1 },
      { metric: 'p99 ms', side: 'conveyor', value: 30, rep: 1 },
    ]);
    const withGoal = {
      ...scenario,
      goals: [
        {
          metric: 'jobs/s',
          ratio: 0.9,
          direction: 'at-least' as const,
          label: 'x',
        },
      ],
    };
    expect(judgeNoise(withGoal, quiet, [], rows).noisy).toBe(false);
    const rowsP99First = [...rows].reverse();
    expect(judgeNoise(scenario, quiet, [], rowsP99First).noisy).toBe(true);
  });

  it('names each reason a run is noisy', () => {
    const rows = summarize(scenario, samples([50, 60, 40]));
    const busy = { ...quiet, stealPercent: 3, otherPercent: 25 };
    const noise = judgeNoise(scenario, busy, [], rows);
    expect(noise.noisy).toBe(true);
    expect(noise.why).toEqual([
      'steal 3.0 %',
      'other processes 25.0 %',
      'ratio spread 40.0 %',
    ]);
  });
});
