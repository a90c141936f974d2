import type {
  AnyRegistry,
  JobState,
  JobView,
  ListPage,
  QueueName,
} from '@conveyor/core';
import {
  encodeCursor,
  mergedNewestFirst,
  readCursor,
  readSortedSet,
} from './cursor.ts';
import type { JobReader } from './job-reader.ts';

export const MAX_LIST_LIMIT = 100;
/** A filtered page stops after looking at this many jobs and returns a cursor to go on. */
const MAX_SCANNED = 2_000;

export interface ListQuery {
  state?: JobState | undefined;
  name?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * Newest first by creation time, from the per-queue creation index. The
 * order never changes as jobs move between states, so a cursor neither skips
 * nor repeats a job. Entries whose job retention has removed are dropped.
 */
export async function listJobs<TRegistry extends AnyRegistry>(
  store: JobReader<TRegistry>,
  query: ListQuery,
  tenant: string,
): Promise<ListPage<JobView<TRegistry>>> {
  const from = readCursor(query.cursor);
  const job =
    query.name === undefined ? undefined : store.registry.get(query.name);
  if (query.name !== undefined && !job) return { items: [], nextCursor: null };
  const queues: readonly QueueName[] = job
    ? [job.queue]
    : store.registry.queues;

  const read = (queue: QueueName, maxScore: number, count: number) =>
    readSortedSet(store.redis, store.keys.index(queue, tenant), {
      max: maxScore,
      count,
    });

  const items: JobView<TRegistry>[] = [];
  let scanned = 0;
  for await (const entry of mergedNewestFirst(queues, read, from)) {
    scanned += 1;
    const found = await store.find(entry.id, tenant, [entry.queue]);
    if (!found) {
      await store.forgetIfGone(entry.queue, tenant, entry.id);
    } else {
      const view = store.view(found);
      if (
        (!query.name || view.name === query.name) &&
        (!query.state || view.state === query.state)
      ) {
        items.push(view);
      }
    }
    if (items.length >= query.limit || scanned >= MAX_SCANNED) {
      return { items, nextCursor: encodeCursor(entry) };
    }
  }
  return { items, nextCursor: null };
}
