import {
  JobNotFoundError,
  JobStateError,
  type AnyRegistry,
  type DeadLetter,
  type ListPage,
  type QueueName,
} from '@conveyor/jobs';
import { parseAttempts } from '../attempt-history.ts';
import {
  encodeCursor,
  mergedNewestFirst,
  readCursor,
  readSortedSet,
  type Position,
} from './cursor.ts';
import type { JobReader } from './job-reader.ts';

/** The most jobs one bulk redrive touches; run it again for more. */
export const MAX_REDRIVE = 10_000;
const HISTORY_ROWS = 50;

export interface DeadLetterFilter {
  name?: string | undefined;
  /** Failed at or after. */
  from?: Date | undefined;
  /** Failed at or before. */
  to?: Date | undefined;
}

/**
 * Dead letters are BullMQ's failed jobs, minus cancelled ones: BullMQ only
 * moves a job to `failed` once its attempts are used up or it failed
 * unrecoverably. Newest failure first.
 */
async function* deadLetters<TRegistry extends AnyRegistry>(
  store: JobReader<TRegistry>,
  filter: DeadLetterFilter,
  after: Position | null,
) {
  const job =
    filter.name === undefined ? undefined : store.registry.get(filter.name);
  if (filter.name !== undefined && !job) return;
  const queues: readonly QueueName[] = job
    ? [job.queue]
    : store.registry.queues;
  const to = filter.to?.getTime() ?? Number.POSITIVE_INFINITY;
  const min = filter.from?.getTime() ?? '-inf';
  const read = (queue: QueueName, maxScore: number, count: number) =>
    readSortedSet(
      store.redis,
      store.keys.bull(queue, 'failed'),
      Math.min(maxScore, to),
      count,
      min,
    );
  for await (const entry of mergedNewestFirst(queues, read, after)) {
    const found = await store.find(entry.id, [entry.queue]);
    if (found?.kind !== 'job') continue;
    const view = store.view(found);
    if (view.state !== 'failed' || (filter.name && view.name !== filter.name))
      continue;
    yield { entry, found, view };
  }
}

export async function listDeadLetters<TRegistry extends AnyRegistry>(
  store: JobReader<TRegistry>,
  query: DeadLetterFilter & { limit: number; cursor?: string | undefined },
): Promise<ListPage<DeadLetter<TRegistry>>> {
  const after = readCursor(query.cursor);
  const items: DeadLetter<TRegistry>[] = [];
  for await (const { entry, found, view } of deadLetters(store, query, after)) {
    const { logs } = await store
      .queue(found.queue)
      .getJobLogs(entry.id, 0, HISTORY_ROWS - 1);
    items.push({
      ...view,
      history: parseAttempts(logs),
    } as DeadLetter<TRegistry>);
    if (items.length >= query.limit)
      return { items, nextCursor: encodeCursor(entry) };
  }
  return { items, nextCursor: null };
}

/** Puts one dead letter back in its queue with fresh attempts. */
export async function redrive<TRegistry extends AnyRegistry>(
  store: JobReader<TRegistry>,
  id: string,
): Promise<{ id: string }> {
  const found = await store.find(id);
  if (!found) throw new JobNotFoundError(id);
  if (found.kind !== 'job' || store.view(found).state !== 'failed') {
    throw new JobStateError(`Job ${id} is not a dead letter`);
  }
  await found.job.retry('failed', {
    resetAttemptsMade: true,
    resetAttemptsStarted: true,
  });
  return { id };
}

/** Redrives every dead letter matching the filter (at most `max`); returns how many. */
export async function redriveMany<TRegistry extends AnyRegistry>(
  store: JobReader<TRegistry>,
  filter: DeadLetterFilter & { max: number },
): Promise<{ redriven: number }> {
  // Collect first: retrying moves jobs out of the set being read.
  const targets = [];
  for await (const { found } of deadLetters(store, filter, null)) {
    targets.push(found.job);
    if (targets.length >= filter.max) break;
  }
  let redriven = 0;
  for (const job of targets) {
    try {
      await job.retry('failed', {
        resetAttemptsMade: true,
        resetAttemptsStarted: true,
      });
      redriven += 1;
    } catch {
      // Retried or removed by someone else meanwhile: not ours to count.
    }
  }
  return { redriven };
}
