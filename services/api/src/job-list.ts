import { conveyorKeys, type AnyRegistry, type QueueName } from '@conveyor/jobs';
import {
  decodeCursor,
  encodeCursor,
  mergedNewestFirst,
  readSortedSet,
} from './cursor.ts';
import { JobStateError } from './errors.ts';
import type { JobStore } from './job-store.ts';
import type { JobState, JobView } from './job-view.ts';

export const MAX_LIST_LIMIT = 100;
/** A filtered page stops after looking at this many jobs and returns a cursor to go on. */
const MAX_SCANNED = 2_000;

export interface ListQuery {
  state?: JobState | undefined;
  name?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface ListPage<T> {
  items: T[];
  /** Pass back to get the next page; null at the end. */
  nextCursor: string | null;
}

/**
 * Newest first by creation time, from the per-queue creation index. The
 * order never changes as jobs move between states, so a cursor neither skips
 * nor repeats a job. Entries whose job retention has removed are dropped.
 */
export async function listJobs<TRegistry extends AnyRegistry>(
  store: JobStore<TRegistry>,
  query: ListQuery,
): Promise<ListPage<JobView<TRegistry>>> {
  const from = query.cursor === undefined ? null : decodeCursor(query.cursor);
  if (query.cursor !== undefined && from === null)
    throw new JobStateError('Invalid cursor');
  const job =
    query.name === undefined ? undefined : store.registry.get(query.name);
  if (query.name !== undefined && !job) return { items: [], nextCursor: null };
  const queues: readonly QueueName[] = job
    ? [job.queue]
    : store.registry.queues;

  const read = (queue: QueueName, maxScore: number, count: number) =>
    readSortedSet(
      store.redis,
      conveyorKeys.index(store.prefix, queue),
      maxScore,
      count,
    );

  const items: JobView<TRegistry>[] = [];
  let scanned = 0;
  for await (const entry of mergedNewestFirst(queues, read, from)) {
    scanned += 1;
    const found = await store.find(entry.id, [entry.queue]);
    if (!found) {
      await store.redis.zrem(
        conveyorKeys.index(store.prefix, entry.queue),
        entry.id,
      );
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
