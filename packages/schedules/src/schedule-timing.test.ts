import { describe, expect, it } from 'vitest';
import { nextTicks, repeatOptions, storedTiming } from './schedule-timing.ts';

describe('schedule timing', () => {
  it('a cron ticks in its own time zone', () => {
    const from = Date.UTC(2026, 6, 1, 12, 0, 0); // summer: Paris is UTC+2
    const ticks = nextTicks(
      storedTiming({ cron: '0 3 * * *', tz: 'Europe/Paris' }),
      from,
      2,
    );
    expect(ticks.map((t) => new Date(t).toISOString())).toEqual([
      '2026-07-02T01:00:00.000Z',
      '2026-07-03T01:00:00.000Z',
    ]);
  });

  it('an interval ticks from the tick it is given', () => {
    expect(nextTicks(storedTiming({ every: '15m' }), 1_000, 2)).toEqual([
      901_000, 1_801_000,
    ]);
  });

  it('maps onto BullMQ repeat options (UTC when no zone is given)', () => {
    expect(repeatOptions(storedTiming({ cron: '*/5 * * * *' }))).toEqual({
      pattern: '*/5 * * * *',
      tz: 'UTC',
    });
    expect(repeatOptions(storedTiming({ every: '2s' }))).toEqual({
      every: 2_000,
    });
  });

  it('throws on a pattern cron-parser refuses', () => {
    expect(() =>
      nextTicks(storedTiming({ cron: '99 * * * *' }), Date.now(), 1),
    ).toThrow();
  });
});
