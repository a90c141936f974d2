import { ForbiddenError, type AnyRegistry } from '@conveyor/core';
import { listJobs, MAX_LIST_LIMIT, type JobReader } from '@conveyor/queue';
import { allowedToEnqueue, type Caller } from './scope.ts';

/** The most jobs one bulk retry touches; run it again for more. */
export const MAX_RETRY_MANY = 1_000;

/** Which failed jobs a bulk retry means; `dryRun` only counts them. */
export interface RetryManyFilter {
  state: 'failed';
  name?: string | undefined;
  queue?: string | undefined;
  dryRun: boolean;
}

/** A preview (`retried` 0) or the outcome: jobs that moved meanwhile are `skipped`. */
export interface RetryManyResult {
  matched: number;
  retried: number;
  skipped: number;
}

/** A token scoped to some jobs must name one of them. */
export function checkRetryManyScope(
  filter: RetryManyFilter,
  caller: Caller,
): void {
  if (caller.principal.jobs && filter.name === undefined)
    throw new ForbiddenError(
      'This token may retry only the jobs it may enqueue: name one',
    );
  if (filter.name !== undefined)
    allowedToEnqueue(caller.principal, [filter.name]);
}

/**
 * The ids of the tenant's failed jobs matching the filter, newest first, at
 * most `MAX_RETRY_MANY`. Collected before any is retried: retrying moves a
 * job out of the state being read.
 */
export async function failedJobIds<TRegistry extends AnyRegistry>(
  reader: JobReader<TRegistry>,
  filter: RetryManyFilter,
  tenant: string,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listJobs(
      reader,
      { state: filter.state, name: filter.name, limit: MAX_LIST_LIMIT, cursor },
      tenant,
    );
    for (const job of page.items)
      if (filter.queue === undefined || job.queue === filter.queue)
        ids.push(job.id);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && ids.length < MAX_RETRY_MANY);
  return ids.slice(0, MAX_RETRY_MANY);
}
