import { describe, expect, it } from 'vitest';
import {
  baselineAndLast,
  countByType,
  growthPercent,
  grownHandles,
  processVerdicts,
  redisVerdicts,
  type ProcessRow,
  type RedisRow,
} from './soak-report.ts';

function row(jobs: number, overrides: Partial<ProcessRow> = {}): ProcessRow {
  return {
    jobs,
    heapUsedMB: 30,
    heapTotalMB: 64,
    rssMB: 130,
    externalMB: 3.5,
    handles: { TCPSocketWrap: 8, Timeout: 18 },
    redisConnections: 8,
    processListeners: 16,
    maxListeners: { owner: 'process', event: 'newListener', count: 4 },
    maxListenersWarnings: 0,
    ...overrides,
  };
}

const verdict = (verdicts: { label: string; met: boolean }[], part: string) =>
  verdicts.find((v) => v.label.includes(part))?.met;

describe('countByType', () => {
  it('groups active resources by type, types sorted', () => {
    const counts = countByType(['Timeout', 'TCPSocketWrap', 'Timeout']);
    expect(counts).toEqual({ TCPSocketWrap: 1, Timeout: 2 });
    expect(Object.keys(counts)).toEqual(['TCPSocketWrap', 'Timeout']);
  });
});

describe('growth', () => {
  it('is the change from the first value to the last, in percent', () => {
    expect(growthPercent(30, 31.5)).toBeCloseTo(5);
    expect(growthPercent(30, 27)).toBeCloseTo(-10);
  });

  it('starts from the first sample at or after the warm-up, ignoring the one before', () => {
    const rows = [row(0), row(100), row(200), row(300)];
    const { baseline, last } = baselineAndLast(rows, 100);
    expect([baseline.jobs, last.jobs]).toEqual([100, 300]);
  });

  it('needs a sample after the warm-up', () => {
    expect(() => baselineAndLast([row(0)], 100)).toThrow(/warm-up/);
  });
});

describe('processVerdicts', () => {
  it('passes heap growth just under 5 % and fails it at 5 %', () => {
    const under = [
      row(100, { heapUsedMB: 40 }),
      row(200, { heapUsedMB: 41.99 }),
    ];
    const at = [row(100, { heapUsedMB: 40 }), row(200, { heapUsedMB: 42 })];
    expect(verdict(processVerdicts('api', under, 100), 'heap')).toBe(true);
    expect(verdict(processVerdicts('api', at, 100), 'heap')).toBe(false);
  });

  it('ignores warm-up growth before the baseline sample', () => {
    const rows = [row(0, { heapUsedMB: 20 }), row(100), row(200)];
    expect(verdict(processVerdicts('api', rows, 100), 'heap')).toBe(true);
  });

  it('names each handle type that grew, including new types', () => {
    expect(
      grownHandles(
        { TCPSocketWrap: 8, Timeout: 18 },
        { TCPSocketWrap: 8, Timeout: 19, FSReqCallback: 1 },
      ),
    ).toEqual(['Timeout 18 → 19', 'FSReqCallback 0 → 1']);
    const rows = [row(100), row(200, { handles: { Timeout: 17 } })];
    expect(verdict(processVerdicts('api', rows, 100), 'handles')).toBe(true);
  });

  it('fails on one more Redis connection, more listeners or a MaxListeners warning', () => {
    const more = [row(100), row(200, { redisConnections: 9 })];
    expect(verdict(processVerdicts('w', more, 100), 'Redis')).toBe(false);
    const listeners = [
      row(100),
      row(200, { maxListeners: { owner: 'Socket', event: 'close', count: 5 } }),
    ];
    expect(verdict(processVerdicts('w', listeners, 100), 'listeners')).toBe(
      false,
    );
    const warned = [row(100), row(200, { maxListenersWarnings: 1 })];
    expect(verdict(processVerdicts('w', warned, 100), 'listeners')).toBe(false);
  });
});

describe('redisVerdicts', () => {
  const redisRow = (jobs: number, o: Partial<RedisRow> = {}): RedisRow => ({
    jobs,
    clients: 9,
    usedMemoryMB: 10,
    keys: 1_029,
    completedKept: 1_000,
    failed: 0,
    ...o,
  });

  it('checks retention at every sample, not only the last', () => {
    const rows = [redisRow(100, { completedKept: 1_001 }), redisRow(200)];
    expect(verdict(redisVerdicts(rows, 100), 'removed')).toBe(false);
    expect(
      verdict(redisVerdicts([redisRow(100), redisRow(200)], 100), 'removed'),
    ).toBe(true);
  });

  it('fails on a failed job or a client more than the baseline', () => {
    const rows = [redisRow(100), redisRow(200, { failed: 1, clients: 10 })];
    const verdicts = redisVerdicts(rows, 100);
    expect(verdict(verdicts, 'none failed')).toBe(false);
    expect(verdict(verdicts, 'client connections')).toBe(false);
  });
});
