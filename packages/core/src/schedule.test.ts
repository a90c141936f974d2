import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from './define-job.ts';
import { durationMs } from './duration.ts';
import { BackoffPolicySchema } from './job-defaults.ts';
import { QUEUES } from '@conveyor/fixtures';
import type { ScheduleSpec } from './schedule.ts';

const input = z.strictObject({ feed: z.string(), since: z.date().optional() });
const withSchedules = (schedules: ScheduleSpec<z.input<typeof input>>[]) =>
  defineJob({ name: 'feed.pull', queue: QUEUES.default, input, schedules });

describe('contract schedules', () => {
  it('are checked and normalised when the job is defined', () => {
    const job = withSchedules([
      {
        key: 'hourly',
        cron: '0 * * * *',
        tz: 'Europe/Paris',
        data: { feed: 'a' },
      },
      { key: 'often', every: '30s', data: { feed: 'b' }, missed: 'skip' },
    ]);
    expect(job.schedules).toEqual([
      {
        key: 'hourly',
        cron: '0 * * * *',
        tz: 'Europe/Paris',
        everyMs: null,
        data: { feed: 'a' },
        missed: 'run-once',
        tenant: 'default',
      },
      {
        key: 'often',
        cron: null,
        tz: null,
        everyMs: 30_000,
        data: { feed: 'b' },
        missed: 'skip',
        tenant: 'default',
      },
    ]);
  });

  it.each([
    [
      { key: 'Bad Key', every: '1m', data: { feed: 'a' } },
      /a key is lowercase/,
    ],
    [{ key: 'x', every: '10ms', data: { feed: 'a' } }, /every is between/],
    [{ key: 'x', cron: 'every day', data: { feed: 'a' } }, /5 fields/],
    [
      { key: 'x', cron: '* * * * *', tz: 'Mars/Base', data: { feed: 'a' } },
      /time zone/,
    ],
    [
      { key: 'x', every: '1m', data: { feed: 1 } },
      /schedule "x": data does not match the input: feed/,
    ],
    [
      { key: 'x', every: '1m', data: { feed: 'a' }, tenant: 'Not A Tenant' },
      /invalid tenant/,
    ],
  ])('refuses %j naming the job and schedule', (spec, message) => {
    expect(() => withSchedules([spec as never])).toThrow(message);
    expect(() => withSchedules([spec as never])).toThrow(/Job "feed.pull"/);
  });

  it('refuses two schedules with one key, and cron with every', () => {
    expect(() =>
      withSchedules([
        { key: 'x', every: '1m', data: { feed: 'a' } },
        { key: 'x', every: '2m', data: { feed: 'a' } },
      ]),
    ).toThrow(/duplicate key/);
    expect(() =>
      withSchedules([
        {
          key: 'x',
          every: '1m',
          cron: '* * * * *',
          data: { feed: 'a' },
        } as never,
      ]),
    ).toThrow(/not both/);
  });
});

describe('durations and ladders', () => {
  it.each([
    [250, 250],
    ['500ms', 500],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
  ] as const)('%j is %d ms', (duration, ms) => {
    expect(durationMs(duration)).toBe(ms);
  });

  it('refuses what is not a duration', () => {
    expect(() => durationMs('5 minutes' as never)).toThrow(/Invalid duration/);
    expect(() => durationMs(-1)).toThrow(/Invalid duration/);
  });

  it('a ladder has 1 to 20 steps of at most an hour', () => {
    const ladder = (delays: unknown[]) =>
      BackoffPolicySchema.safeParse({ type: 'ladder', delays }).success;
    expect(ladder(['1m', '5m', '15m'])).toBe(true);
    expect(ladder([])).toBe(false);
    expect(ladder(['2h'])).toBe(false);
    expect(ladder(Array.from({ length: 21 }, () => '1s'))).toBe(false);
    expect(ladder(['soon'])).toBe(false);
  });
});
