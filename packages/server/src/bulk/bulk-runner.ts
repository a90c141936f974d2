import type { AnyRegistry, SearchField } from '@conveyor/core';
import type {
  BulkActionRecord,
  BulkLease,
  HistorySearchQuery,
} from '@conveyor/history';
import type { Logger } from '@conveyor/queue';
import type { JobControlService } from '../domain/job-control-service.ts';
import type { Caller } from '../domain/scope.ts';
import type { JobHistory } from '../history/job-history.ts';
import type { CheckedShapeFilter } from '../search/search-filter.ts';
import { toSearchQuery } from '../search/search-schemas.ts';
import { BULK_ACTION_STATES } from './bulk-action.ts';
import { isTransient, messageOf, outcomeOf } from './bulk-outcome.ts';

/** Jobs acted on per page: progress is saved (and the lease renewed) after each. */
const PAGE_SIZE = 100;

/** Thrown inside a walk whose lease another runner took: it stops, writing nothing more. */
class LeaseLost extends Error {}

/** The single actions a bulk action repeats (any registry's `JobControlService`). */
export type BulkSteering = Pick<
  JobControlService<AnyRegistry>,
  'retry' | 'redrive' | 'cancel'
>;

export interface BulkRunnerDeps {
  history: JobHistory;
  control: BulkSteering;
  fieldsByJob: ReadonlyMap<string, readonly SearchField[]>;
  logger: Logger;
  leaseMs: number;
}

interface PageCounts {
  done: number;
  skipped: number;
  failed: number;
  reasons: Record<string, number>;
  lastError: string | null;
}

/** The stored filter's query: its range was fixed when it started, so a resumed walk reads the same jobs. */
export function bulkQuery(
  record: BulkActionRecord,
  fieldsByJob: ReadonlyMap<string, readonly SearchField[]>,
): HistorySearchQuery {
  const query = toSearchQuery(
    record.filter as CheckedShapeFilter,
    fieldsByJob,
    record.tenant,
  );
  return {
    ...query,
    states: BULK_ACTION_STATES[record.action],
    listedBy: record.listedBy,
  };
}

/** Who acts on a run: the asker, as stored (so a resumed run is checked as the first was). */
function callerOf(record: BulkActionRecord): Caller {
  return {
    tenant: record.tenant,
    principal: {
      subject: record.actor,
      tenantId: record.tenant,
      role: record.role as Caller['principal']['role'],
      jobs: record.scope,
    },
  };
}

/**
 * Walks the action's matches page by page (keyset, newest first, from
 * where it stopped), acting on each page's ids and saving the totals and
 * the next page's cursor after it. Stops early when `stopped()` (the API
 * is closing: the lease is given up for another process to resume).
 */
export async function runBulkAction(
  record: BulkActionRecord,
  deps: BulkRunnerDeps,
  stopped: () => boolean,
): Promise<void> {
  const lease: BulkLease = { id: record.id, runner: record.runner ?? '' };
  try {
    await walk(record, lease, deps, stopped);
  } catch (error) {
    if (error instanceof LeaseLost) {
      deps.logger.warn(
        { bulkAction: record.id },
        'bulk action taken over by another runner: this one stops',
      );
      return;
    }
    await settleFailure(lease, deps, error);
  }
}

async function walk(
  record: BulkActionRecord,
  lease: BulkLease,
  deps: BulkRunnerDeps,
  stopped: () => boolean,
): Promise<void> {
  const { history, leaseMs } = deps;
  const query = bulkQuery(record, deps.fieldsByJob);
  const reasons = { ...record.skipReasons };
  let cursor = record.cursor ?? undefined;
  for (;;) {
    if (stopped()) {
      await history.bulkActions((s) => s.release(lease));
      return;
    }
    const page = await history.list({ ...query, limit: PAGE_SIZE, cursor });
    const ids = page.items.map((job) => job.id);
    const counts = await actOn(record, lease, ids, deps);
    for (const [reason, n] of Object.entries(counts.reasons))
      reasons[reason] = (reasons[reason] ?? 0) + n;
    const held = await history.bulkActions((s) =>
      s.progress(lease, {
        matched: ids.length,
        done: counts.done,
        skipped: counts.skipped,
        failed: counts.failed,
        skipReasons: reasons,
        cursor: page.nextCursor,
        lastError: counts.lastError,
        leaseMs,
      }),
    );
    if (!held) throw new LeaseLost();
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  if (!(await history.bulkActions((s) => s.finish(lease, 'completed'))))
    throw new LeaseLost();
}

/** Transient (Redis or PostgreSQL away): left for a later resume. Otherwise the operation failed. */
async function settleFailure(
  lease: BulkLease,
  deps: BulkRunnerDeps,
  error: unknown,
): Promise<void> {
  deps.logger.warn({ err: error, bulkAction: lease.id }, 'bulk action stopped');
  const transient = isTransient(error);
  await deps.history
    .bulkActions(async (s) => {
      if (transient) await s.release(lease);
      else await s.finish(lease, 'failed', messageOf(error));
    })
    .catch((cause: unknown) =>
      deps.logger.warn(
        { err: cause, bulkAction: lease.id },
        'bulk action: state not saved (resumed once its lease runs out)',
      ),
    );
}

/** One page: each id through the single action (or, for delete, one statement). */
async function actOn(
  record: BulkActionRecord,
  lease: BulkLease,
  ids: readonly string[],
  deps: BulkRunnerDeps,
): Promise<PageCounts> {
  const counts: PageCounts = {
    done: 0,
    skipped: 0,
    failed: 0,
    reasons: {},
    lastError: null,
  };
  if (record.action === 'delete') {
    const deleted = await deps.history.bulkActions((s) =>
      s.deleteJobs(record.tenant, ids, BULK_ACTION_STATES.delete),
    );
    counts.done = deleted.length;
    counts.skipped = ids.length - deleted.length;
    if (counts.skipped > 0)
      counts.reasons['no longer in a state this action applies to'] =
        counts.skipped;
    return counts;
  }
  const caller = callerOf(record);
  const renew = leaseRenewer(lease, deps);
  for (const id of ids) {
    await renew();
    try {
      await actOnJob(record.action, id, caller, deps.control);
      counts.done += 1;
    } catch (error) {
      const outcome = outcomeOf(error);
      if (outcome.kind === 'skipped') {
        counts.skipped += 1;
        counts.reasons[outcome.reason] =
          (counts.reasons[outcome.reason] ?? 0) + 1;
      } else {
        counts.failed += 1;
        counts.lastError = outcome.kind === 'failed' ? outcome.message : null;
      }
    }
  }
  return counts;
}

/**
 * Renews the lease when a third of it went by within a page (slow single
 * actions): a long page neither loses it nor lets another runner in.
 */
function leaseRenewer(
  lease: BulkLease,
  deps: BulkRunnerDeps,
): () => Promise<void> {
  let renewedAt = Date.now();
  return async () => {
    if (Date.now() - renewedAt < deps.leaseMs / 3) return;
    const held = await deps.history.bulkActions((s) =>
      s.renew(lease, deps.leaseMs),
    );
    if (!held) throw new LeaseLost();
    renewedAt = Date.now();
  };
}

function actOnJob(
  action: 'retry' | 'redrive' | 'cancel',
  id: string,
  caller: Caller,
  control: BulkSteering,
): Promise<unknown> {
  if (action === 'retry') return control.retry(id, caller);
  if (action === 'redrive') return control.redrive(id, caller);
  return control.cancel(id, caller);
}
