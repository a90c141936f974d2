import { describe, expect, it } from 'vitest';
import { ladderDelay, toBullBackoff } from './ladder-backoff.ts';

describe('ladder backoff', () => {
  it('travels as a custom BullMQ kind carrying its steps in ms', () => {
    expect(
      toBullBackoff({ type: 'ladder', delays: ['1m', '5m', 900_000] }),
    ).toEqual({ type: 'conveyor.ladder:60000,300000,900000', delay: 60_000 });
    const exponential = { type: 'exponential', delay: 100 } as const;
    expect(toBullBackoff(exponential)).toBe(exponential);
  });

  it('waits step n before retry n, then the last step', () => {
    const { type } = toBullBackoff({ type: 'ladder', delays: ['1s', '2s'] });
    expect([1, 2, 3, 9].map((made) => ladderDelay(type, made))).toEqual([
      1_000, 2_000, 2_000, 2_000,
    ]);
    expect(ladderDelay('exponential', 1)).toBeNull();
  });

  it('jitter takes up to its share off a step, never more, never adds', () => {
    const { type } = toBullBackoff({ type: 'ladder', delays: ['10s'] });
    for (let i = 0; i < 200; i += 1) {
      const wait = ladderDelay(type, 1, 0.3) ?? -1;
      expect(wait).toBeGreaterThanOrEqual(7_000);
      expect(wait).toBeLessThanOrEqual(10_000);
    }
  });
});
