import type { JobProgress } from '@conveyor/core';
import type { feedSync } from '@conveyor/jobs';
import { NonRetryableError, type Processor } from '@conveyor/worker';
import { FEED_FETCH_DEFAULTS, fetchFeed } from '../feeds/fetch-feed.ts';
import { parseFeedItems } from '../feeds/parse-feed-items.ts';
import type { FeedDirectory, FeedStore } from '../providers/providers.ts';

export interface FeedSyncOptions {
  /** Per feed; the job's own `timeoutMs` bounds the whole run. */
  fetchTimeoutMs?: number;
  maxBytes?: number;
  /** FEED_ALLOW_PRIVATE (see fetch-feed.ts). */
  allowPrivate?: boolean;
}

type Stage = JobProgress<typeof feedSync>['stage'];
const STAGES: readonly Stage[] = ['fetching', 'parsing', 'storing'];

/**
 * Syncs each feed in turn: fetch, parse, store what is new. One feed's
 * failure does not stop the others; the run then fails with the error that
 * decides what comes next: a retryable one if any (the store dedupes, so a
 * retry re-adds nothing), else the permanent one.
 */
export function createFeedSyncProcessor(
  directory: FeedDirectory,
  store: FeedStore,
  options: FeedSyncOptions = {},
): Processor<typeof feedSync> {
  const limits = {
    timeoutMs: options.fetchTimeoutMs ?? FEED_FETCH_DEFAULTS.timeoutMs,
    maxBytes: options.maxBytes ?? FEED_FETCH_DEFAULTS.maxBytes,
    allowPrivate: options.allowPrivate ?? false,
  };
  return async ({ feeds }, { tenantId, signal, progress, logger }) => {
    const urls =
      feeds === 'configured'
        ? await directory.configured(tenantId, signal)
        : feeds;
    const total = { items: 0, added: 0, newest: null as Date | null };
    const failures: Error[] = [];
    for (const [index, url] of urls.entries()) {
      const stage = (step: Stage) =>
        progress({
          stage: step,
          percent: Math.round(
            ((index + STAGES.indexOf(step) / STAGES.length) / urls.length) *
              100,
          ),
        });
      try {
        await stage('fetching');
        const document = await fetchFeed(url, { ...limits, signal });
        await stage('parsing');
        const items = parseFeedItems(document);
        await stage('storing');
        const { added } = await store.save(tenantId, url, items, signal);
        total.items += items.length;
        total.added += added;
        total.newest = latest([total.newest, ...items.map((i) => i.published)]);
        logger.info({ url, items: items.length, added }, 'feed synced');
      } catch (error) {
        if (signal.aborted) throw error;
        failures.push(asError(error));
        // The reason, not a stack: a 404 is the feed's fault, not the code's.
        logger.warn(
          { url, reason: asError(error).message },
          'feed sync failed',
        );
      }
    }
    if (failures.length > 0) throw decisive(failures);
    await progress({ stage: 'done', percent: 100 });
    return {
      feeds: urls.length,
      items: total.items,
      added: total.added,
      newest: total.newest?.toISOString() ?? null,
    };
  };
}

function decisive(failures: readonly Error[]): Error {
  const retryable = failures.find((e) => !(e instanceof NonRetryableError));
  return retryable ?? failures[0] ?? new Error('feed sync failed');
}

function latest(dates: readonly (Date | null)[]): Date | null {
  let newest: Date | null = null;
  for (const date of dates)
    if (date && (!newest || date > newest)) newest = date;
  return newest;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
