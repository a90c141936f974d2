import { z } from 'zod';
import { defineJob } from '@conveyor/core';
import { QUEUES } from './queues.ts';

/** Feeds are fetched by the worker, so only the web's own schemes. */
const FeedUrl = z.url({ protocol: /^https?$/ }).max(2_048);

/**
 * Fetches RSS 2.0 / Atom feeds and stores their new items. `feeds` names
 * them, or says `configured`: the feeds the worker's deployment lists (none
 * by default), which is what the schedule syncs, so a fresh install polls
 * nothing rather than someone else's server.
 */
export const feedSync = defineJob({
  name: 'feed.sync',
  queue: QUEUES.feeds,
  input: z.strictObject({
    feeds: z.union([z.literal('configured'), z.array(FeedUrl).min(1).max(20)]),
  }),
  // Per feed: fetching, parsing, storing; percent runs over all of them.
  progress: z.strictObject({
    percent: z.number().min(0).max(100),
    stage: z.enum(['fetching', 'parsing', 'storing', 'done']),
  }),
  result: z.strictObject({
    feeds: z.number().int().nonnegative(),
    /** Items the feeds hold now. */
    items: z.number().int().nonnegative(),
    /** Items not stored before (dedupe by guid, else link). */
    added: z.number().int().nonnegative(),
    /** The latest publication date among the items, if any has one. */
    newest: z.iso.datetime().nullable(),
  }),
  // A sync that still fails after two quick retries waits for the next tick,
  // which fetches everything again anyway.
  defaults: {
    attempts: 3,
    backoff: { type: 'ladder', delays: ['30s', '2m'] },
    timeoutMs: 2 * 60 * 1_000,
  },
  schedules: [
    {
      key: 'configured',
      every: '15m',
      data: { feeds: 'configured' },
      // A late poll is worth nothing: the next one sees the same items.
      missed: 'skip',
    },
  ],
});
