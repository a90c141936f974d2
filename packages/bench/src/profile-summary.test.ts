import { describe, expect, it } from 'vitest';
import {
  formatSummary,
  groupOf,
  summarizeProfiles,
  type CpuProfile,
} from './profile-summary.ts';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

/** Samples 1 ms apart; node ids index the frames below. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('(garbage collector)') },
    {
      id: 4,
      callFrame: frame(
        'addJob',
        'file:///w/node_modules/bullmq/dist/esm/classes/scripts.js',
        41,
      ),
    },
    {
      id: 5,
      callFrame: frame(
        'resolveResponse',
        'file:///w/node_modules/@trpc/server/dist/index.mjs',
      ),
    },
    {
      id: 6,
      callFrame: frame(
        'prepareJob',
        'file:///w/packages/queue/src/producer/prepare-job.ts',
        27,
      ),
    },
    { id: 7, callFrame: frame('Request', 'node:internal/deps/undici/undici') },
    { id: 8, callFrame: frame('writeGeneric', 'node:internal/stream_base') },
    { id: 9, callFrame: frame('parse', 'file:///w/services/api/dist/x.js') },
  ],
  startTime: 1_000_000,
  endTime: 1_012_000,
  // 12 samples: 4 idle, 2 bullmq, then one each for the rest (the last sample has no duration).
  samples: [2, 2, 2, 2, 4, 4, 3, 5, 6, 7, 8, 9],
  timeDeltas: Array.from({ length: 12 }, () => 1_000),
};

describe('groupOf', () => {
  it('names packages, Node, V8, GC and Conveyor packages', () => {
    const groups = profile.nodes.map((n) => groupOf(n.callFrame));
    expect(groups).toEqual([
      '(idle)',
      '(idle)',
      'GC',
      'bullmq',
      '@trpc',
      '@conveyor/queue',
      'undici',
      'node internals',
      '@conveyor/api',
    ]);
    expect(groupOf(frame('x', 'file:///w/node_modules/@scope/pkg/a.js'))).toBe(
      '@scope/pkg',
    );
    expect(groupOf(frame('writeBuffer'))).toBe('native');
  });
});

describe('summarizeProfiles', () => {
  it('sums self time per group, leaves idle out of the shares', () => {
    const summary = summarizeProfiles([{ profile }]);
    expect(summary.sampledMs).toBe(11);
    expect(summary.idlePercent).toBeCloseTo((4 / 11) * 100);
    expect(summary.groups[0]).toEqual({
      group: 'bullmq',
      selfMs: 2,
      percent: (2 / 7) * 100,
      top: 'addJob (scripts.js:42)',
    });
    expect(summary.groups.map((g) => g.group)).toEqual([
      'bullmq',
      'GC',
      '@trpc',
      '@conveyor/queue',
      'undici',
      'node internals',
    ]);
  });

  it('reads only the samples inside a window, and adds up profiles', () => {
    const window = { fromUs: 1_005_000, toUs: 1_006_500 };
    const summary = summarizeProfiles([
      { profile, window },
      { profile, window },
    ]);
    expect(summary.groups).toEqual([
      expect.objectContaining({ group: 'bullmq', selfMs: 4, percent: 100 }),
    ]);
  });

  it('keeps the top entries only, and formats one line each', () => {
    const summary = summarizeProfiles([{ profile }], 2);
    expect(summary.groups).toHaveLength(2);
    const text = formatSummary('[1] raw', summary);
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toContain('28.6 %  bullmq');
  });
});
