import { describe, expect, it } from 'vitest';
import type { NoiseReading } from '../noise.ts';
import {
  clusterTable,
  summarizeCluster,
  type ClusterSample,
} from './cluster-table.ts';

function noise(
  steal: number | null,
  other: number,
  load1: number,
): NoiseReading {
  return {
    seconds: 1,
    load1,
    stealPercent: steal,
    busyPercent: 90 + load1,
    benchPercent: 90 + load1 - other,
    otherPercent: other,
  };
}

function sample(
  topology: string,
  workers: number,
  rep: number,
  jobsPerSecond: number,
  nodeCpuSeconds: number[],
): ClusterSample {
  return {
    topology,
    workers,
    rep,
    measurement: {
      jobsPerSecond,
      seconds: 2,
      nodeCpuSeconds,
      noise: noise(rep === 0 ? 1 : null, 5 + rep, 2 + rep),
    },
  };
}

const samples: ClusterSample[] = [
  sample('3 masters', 0, 0, 3_000, [0.2, 0.6, 0.2]),
  sample('3 masters', 2, 0, 1_800, [0.4, 1.0, 0.2]),
  sample('3 masters', 1, 0, 2_000, [0.2, 0.8, 0.2]),
  sample('3 masters', 0, 1, 2_000, [0.2, 0.6, 0.2]),
  sample('3 masters', 1, 1, 1_000, [0.4, 0.6, 0.4]),
  sample('3 masters', 2, 1, 2_200, [0.2, 1.0, 0.4]),
  sample('1 master', 0, 0, 4_000, [1]),
  sample('1 master', 1, 0, 3_000, [1]),
];

describe('summarizeCluster', () => {
  const rows = summarizeCluster(samples);

  it('makes one row per topology and worker count, topologies as first seen, workers ascending', () => {
    expect(rows.map((r) => [r.topology, r.workers])).toEqual([
      ['3 masters', 1],
      ['3 masters', 2],
      ['1 master', 1],
    ]);
  });

  it('gives every row of a topology its enqueue median and range', () => {
    expect(rows[0]?.enqueue).toEqual({ median: 2_500, range: [2_000, 3_000] });
    expect(rows[1]?.enqueue).toEqual(rows[0]?.enqueue);
    expect(rows[2]?.enqueue).toEqual({ median: 4_000, range: [4_000, 4_000] });
  });

  it('reads node CPU as % of one core over each run, median over runs', () => {
    const [a = 0, b = 0, c = 0] = rows[0]?.nodeCpuPercent ?? [];
    expect([a, b, c].map((p) => Math.round(p))).toEqual([15, 35, 15]);
    expect(rows[0]?.enqueueNodeCpuPercent.map(Math.round)).toEqual([
      10, 30, 10,
    ]);
  });

  it('divides all nodes’ Redis CPU by the jobs processed', () => {
    // rep 0: 1.2 s over 4,000 jobs = 300 µs; rep 1: 1.4 s over 2,000 = 700 µs.
    expect(rows[0]?.redisMicrosPerJob).toBeCloseTo(500);
  });

  it('keeps the worst steal and other-process shares and the mean load', () => {
    expect(rows[0]?.noise).toEqual({ busy: 92, steal: 1, other: 6, load: 2.5 });
    expect(rows[0]?.process).toEqual({ median: 1_500, range: [1_000, 2_000] });
  });
});

describe('clusterTable', () => {
  it('prints a header and one aligned line per row', () => {
    const lines = clusterTable(summarizeCluster(samples)).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^topology\s+workers\s+enqueue jobs\/s/);
    expect(lines[1]).toContain('2,500 (2,000–3,000)');
    expect(lines[1]).toContain('n1 15 % · n2 35 % · n3 15 %');
    expect(lines[1]).toContain('92 % / 1 % / 6 % / 2.5');
    expect(lines[3]).toContain('n1 50 %');
    expect(lines[1]?.indexOf('1,500')).toBe(lines[2]?.indexOf('2,000 ('));
  });
});
