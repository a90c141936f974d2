import {
  JobStateError,
  type AnyRegistry,
  type DeadLetter,
  type ListPage,
  type QueueName,
} from '@conveyor/core';
import {
  encodeCursor,
  mergedNewestFirst,
  readCursor,
  readSortedSet,
  type Position,
} from './cursor.ts';
import type { Found, JobReader } from './job-reader.ts';
import { runAgain } from './run-again.ts';

/** The most jobs one bulk redrive touches; run it again for more. */
export const MAX_REDRIVE = 10_000;
/** A page stops after looking at this many failed jobs (of all tenants) and returns a cursor to go on. */
const MAX_SCANNED = 2_000;
const MAX_REDRIVE_SCANNED = 20_000;

/**
 * Where a page that stopped at another tenant's entry goes on, without
 * naming that job: its failure time, and an id that sorts before every
 * other at that time. (Another of this tenant's dead letters failing in the
 * very same millisecond would then be skipped; it is listed by the next
 * call without a cursor.)
 */
const scanPoint = (entry: Position): Position => ({
  score: entry.score,
  id: '',
});

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
  tenant: string,
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
    readSortedSet(store.redis, store.keys.bull(queue, 'failed'), {
      max: Math.min(maxScore, to),
      count,
      min,
    });
  // The failed sets are shared by tenants: every entry is yielded (so a page
  // can stop after scanning enough), with `match` set for this tenant's.
  for await (const entry of mergedNewestFirst(queues, read, after)) {
    const found = await store.find(entry.id, tenant, [entry.queue]);
    const view = found?.kind === 'job' ? store.view(found) : null;
    const match =
      found?.kind === 'job' &&
      view?.state === 'failed' &&
      (!filter.name || view.name === filter.name)
        ? { found, view }
        : null;
    yield { entry, match };
  }
}

export async function listDeadLetters<TRegistry extends AnyRegistry>(
  store: JobReader<TRegistry>,
  query: DeadLetterFilter & { limit: number; cursor?: string | undefined },
  tenant: string,
): Promise<ListPage<DeadLetter<TRegistry>>> {
  const after = readCursor(query.cursor);
  const items: DeadLetter<TRegistry>[] = [];
  let scanned = 0;
  for await (const { entry, match } of deadLetters(
    store,
    query,
    tenant,
    after,
  )) {
    scanned += 1;
    if (!match) {
      if (scanned >= MAX_SCANNED)
        return { items, nextCursor: encodeCursor(scanPoint(entry)) };
      continue;
    }
    const { found, view } = match;
    items.push({
      ...view,
      history: await store.attempts(found),
    } as DeadLetter<TRegistry>);
    if (items.length >= query.limit || scanned >= MAX_SCANNED)
      return { items, nextCursor: encodeCursor(entry) };
  }
  return { items, nextCursor: null };
}

/** Puts one dead letter, as the caller found it (`find`), back in its queue with fresh attempts. */
export async function redrive<TRegistry extends AnyRegistry>(
  store: JobReader<TRegistry>,
  found: Found,
  tenant: string,
): Promise<{ id: string }> {
  const id = found.kind === 'job' ? (found.job.id ?? '') : found.id;
  if (found.kind !== 'job' || store.view(found).state !== 'failed') {
    throw new JobStateError(`Job ${id} is not a dead letter`);
  }
  const job = [{ queue: found.queue, id }];
  await store.ledger.readmit(tenant, job);
  try {
    await runAgain(found.job);
  } catch (error) {
    await store.ledger.release(tenant, job).catch(() => undefined);
    throw error;
  }
  return { id };
}

/** Redrives every dead letter matching the filter (at most `max`); returns how many. */
export async function redriveMany<TRegistry extends AnyRegistry>(
  store: JobReader<TRegistry>,
  filter: DeadLetterFilter & { max: number },
  tenant: string,
): Promise<{ redriven: number }> {
  // Collect first: retrying moves jobs out of the set being read.
  const targets = [];
  let scanned = 0;
  for await (const { match } of deadLetters(store, filter, tenant, null)) {
    if (match) targets.push(match.found);
    scanned += 1;
    // Bounded like a page: one call looks at so many failed jobs, at most.
    if (targets.length >= filter.max || scanned >= MAX_REDRIVE_SCANNED) break;
  }
  // Admitted as a whole (quota and rate), or none is redriven.
  const jobs = targets.map(({ job, queue }) => ({ queue, id: job.id ?? '' }));
  if (jobs.length > 0) await store.ledger.readmit(tenant, jobs);
  let redriven = 0;
  const missed: typeof jobs = [];
  for (const { job, queue } of targets) {
    try {
      await runAgain(job);
      redriven += 1;
    } catch {
      // Retried or removed by someone else meanwhile: not ours to count.
      missed.push({ queue, id: job.id ?? '' });
    }
  }
  if (missed.length > 0)
    await store.ledger.release(tenant, missed).catch(() => undefined);
  return { redriven };
}
