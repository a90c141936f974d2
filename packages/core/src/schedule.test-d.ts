import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { feedSync } from '@conveyor/fixtures';
import { defineJob } from './define-job.ts';
import type { LadderBackoff } from './job-defaults.ts';
import { QUEUES } from '@conveyor/fixtures';

const input = z.strictObject({
  feeds: z.union([z.literal('configured'), z.array(z.url()).min(1)]),
});

test("a contract schedule's data is typed by the job's input", () => {
  defineJob({
    name: 'feeds.ok',
    queue: QUEUES.feeds,
    input,
    schedules: [{ key: 'all', every: '15m', data: { feeds: 'configured' } }],
  });
  expectTypeOf(feedSync.schedules[0]?.data).toBeUnknown();
});

test('schedule data that does not match the input does not compile', () => {
  defineJob({
    name: 'feeds.bad-value',
    queue: QUEUES.feeds,
    input,
    schedules: [
      // @ts-expect-error -- 'all' is not 'configured' nor a list of URLs
      { key: 'all', every: '15m', data: { feeds: 'all' } },
    ],
  });
  defineJob({
    name: 'feeds.bad-field',
    queue: QUEUES.feeds,
    input,
    schedules: [
      // @ts-expect-error -- `url` is not a field of the input
      { key: 'all', cron: '*/15 * * * *', data: { url: 'https://a.test/' } },
    ],
  });
});

test('a schedule is cron or every, not both', () => {
  defineJob({
    name: 'feeds.both',
    queue: QUEUES.feeds,
    input,
    schedules: [
      {
        key: 'x',
        cron: '* * * * *',
        // @ts-expect-error -- one timing only: cron, or every
        every: '1m',
        data: { feeds: 'configured' },
      },
    ],
  });
});

test('a ladder backoff needs at least one step', () => {
  const ok: LadderBackoff = { type: 'ladder', delays: ['1m', '5m', '15m'] };
  // @ts-expect-error -- an empty ladder has no wait to give
  const empty: LadderBackoff = { type: 'ladder', delays: [] };
  void [ok, empty];
  defineJob({
    name: 'ladder.empty',
    queue: QUEUES.generation,
    input: z.strictObject({}),
    // @ts-expect-error -- the same in a contract's defaults
    defaults: { backoff: { type: 'ladder', delays: [] } },
  });
});

test('a ladder step is a duration: an unknown unit does not compile', () => {
  // @ts-expect-error -- 'min' is not a unit (ms, s, m, h, d)
  const wrong: LadderBackoff = { type: 'ladder', delays: ['5min'] };
  void wrong;
});
