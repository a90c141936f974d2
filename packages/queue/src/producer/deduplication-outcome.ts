import type { ChainableCommander } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import type { TenantLedger } from '../tenancy/tenant-ledger.ts';
import {
  readOutcome,
  settleAfterAdd,
  snapshotBeforeAdd,
  type DeduplicationOutcome,
  type DeduplicationTarget,
} from './deduplication-check.ts';
import type { TenantJob } from './tenant-job.ts';
import type { EnqueueDeduplication } from './producer-options.ts';

export type { DeduplicationOutcome } from './deduplication-check.ts';

/**
 * A deduplicated job's part of its add transaction: the snapshot before
 * BullMQ's add, the check after it, whose outcome lands in `outcomes` (by
 * the job's own id). None for a job without deduplication.
 */
export function deduplicationStep(
  keys: Keyspace,
  p: TenantJob,
  outcomes: Map<string, DeduplicationOutcome>,
):
  | {
      before: (multi: ChainableCommander) => void;
      afterAdd: {
        queue: (multi: ChainableCommander) => void;
        read: (reply: unknown) => void;
      };
    }
  | undefined {
  const id = p.bullOptions.deduplication?.id;
  if (id === undefined) return undefined;
  const target: DeduplicationTarget = {
    keys,
    queue: p.job.queue,
    tenant: p.tenant,
    jobId: p.id,
    deduplicationId: id,
  };
  return {
    before: (multi) => snapshotBeforeAdd(multi, target),
    afterAdd: {
      queue: (multi) => settleAfterAdd(multi, target),
      read: (reply) => outcomes.set(p.id, readOutcome(reply)),
    },
  };
}

/**
 * The answers after deduplication: an enqueue that joined another job
 * answers that job's id. The open-set (quota) entries of ids that will
 * never exist are given back; the add's transaction already removed their
 * listing-index entries. Should this release fail, the ledger's healing
 * drops those entries (their job does not exist).
 */
export async function settleDeduplicated(
  prepared: TenantJob[],
  outcomes: ReadonlyMap<string, DeduplicationOutcome>,
  ledger: TenantLedger,
): Promise<TenantJob[]> {
  const gone: { queue: string; id: string }[] = [];
  const answers = prepared.map((p) => {
    const outcome = outcomes.get(p.id);
    if (!outcome) return p;
    for (const id of outcome.gone) gone.push({ queue: p.job.queue, id });
    const deduplicated = answerOf(p.id, outcome);
    if (!deduplicated) return p;
    return { ...p, id: deduplicated.into, deduplicated };
  });
  const tenant = prepared[0]?.tenant ?? '';
  if (gone.length > 0)
    await ledger.release(tenant, gone).catch(() => undefined);
  return answers;
}

function answerOf(
  id: string,
  { outcome, other }: DeduplicationOutcome,
): EnqueueDeduplication | undefined {
  switch (outcome) {
    case 'added':
      return undefined;
    case 'joined':
      // No job of the key found (cannot happen with BullMQ 6.7's scripts): the id stands.
      return { outcome, into: other || id };
    case 'replaced':
      return { outcome, into: id, replaced: other };
    case 'next':
      return { outcome, into: id, after: other };
  }
}

/** The outcomes of a batch without a deduplicated job: never written (only a deduplicated job's step records one). */
export const NO_OUTCOMES = new Map<string, DeduplicationOutcome>();
