import {
  CrossSlotBatchError,
  IdempotencyConflictError,
  IdempotencyInFlightError,
  type Durability,
} from '@conveyor/core';
import type { JobsOptions } from 'bullmq';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import type { TenantLedger } from '../tenancy/tenant-ledger.ts';
import {
  deduplicationStep,
  NO_OUTCOMES,
  settleDeduplicated,
  type DeduplicationOutcome,
} from './deduplication-outcome.ts';
import {
  claimIdempotencyKey,
  storedOrCancelled,
  markStored,
  markStoredIn,
  payloadHash,
  releaseIdempotencyKey,
  repointIdempotencyKey,
  type IdempotencyTarget,
} from './idempotency.ts';
import { FlowHold } from '../flow/flow-hold.ts';
import { bullAddOf } from './bull-add.ts';
import { JobIndex } from './job-index.ts';
import { enqueueResultOf, withId, type TenantJob } from './tenant-job.ts';
import type { EnqueueResult } from './producer-options.ts';
import type { QueueCache } from './queue-cache.ts';
import { settleEnqueue } from './settle-enqueue.ts';
import { isUpcastReplay } from './upcast-replay.ts';
import { WriteAttempt } from './write-attempt.ts';
import { durabilityOf, WriteLanes } from './write-lanes.ts';

/**
 * Writes prepared jobs: the idempotency claim, the tenant's admission
 * (quota, rate, listing index), then the add, the only write that stores
 * the job. Answers mean what they say (docs/guarantees.md): a job is
 * acknowledged only once its add is confirmed; a failure before the add was
 * sent is a refusal and leaves nothing that runs; after it, with no reply,
 * the outcome is reported as unknown.
 */
export class JobWriter {
  readonly queues: QueueCache;
  private readonly index: JobIndex;
  private readonly lanes: WriteLanes;
  private readonly hold: FlowHold;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly ledger: TenantLedger,
    private readonly limits: {
      timeoutMs: number;
      /** Connection-level errors of the queues it opens. */
      onError: (error: Error) => void;
      /** The deployment's replicated acknowledgements (a job's contract may ask more). */
      durability: Durability;
    },
  ) {
    this.lanes = new WriteLanes(redis, keys, limits.onError);
    this.queues = this.lanes.plain.queues;
    this.index = new JobIndex(redis, keys);
    this.hold = new FlowHold(redis, keys);
  }

  close(): Promise<void> {
    return this.lanes.close();
  }

  add(prepared: TenantJob): Promise<EnqueueResult> {
    const attempt = new WriteAttempt();
    const key = prepared.options?.idempotencyKey;
    const durability = durabilityOf(this.limits.durability, [prepared]);
    // Nearly every enqueue: a ready queue and no key, one async step less.
    const work =
      key === undefined && this.lanes.isReady(durability, prepared.job.queue)
        ? this.admittedOne(prepared, attempt)
        : (async () => {
            await this.connected(durability, prepared);
            if (key === undefined) return this.admittedOne(prepared, attempt);
            attempt.proceed();
            return this.storeOnce(prepared, key, attempt);
          })();
    return settleEnqueue(work, attempt, this.limits.timeoutMs, durability).then(
      (p) => enqueueResultOf(p ?? prepared),
    );
  }

  private async admittedOne(
    prepared: TenantJob,
    attempt: WriteAttempt,
  ): Promise<TenantJob | undefined> {
    attempt.proceed();
    return (await this.admitted([prepared], attempt))[0];
  }

  addAll(prepared: TenantJob[]): Promise<{ jobs: EnqueueResult[] }> {
    const attempt = new WriteAttempt();
    const durability = durabilityOf(this.limits.durability, prepared);
    const work = (async () => {
      this.refuseCrossSlot(prepared);
      await this.connected(durability, ...prepared);
      attempt.proceed();
      return this.admitted(prepared, attempt);
    })();
    return settleEnqueue(work, attempt, this.limits.timeoutMs, durability).then(
      (jobs) => ({
        jobs: jobs.map(enqueueResultOf),
      }),
    );
  }

  /** On a Cluster each queue is its own slot: a batch across queues cannot be one transaction. */
  private refuseCrossSlot(prepared: TenantJob[]): void {
    if (!this.redis.isCluster) return;
    const queues = new Set(prepared.map((p) => p.job.queue));
    if (queues.size > 1) throw new CrossSlotBatchError([...queues]);
  }

  /**
   * A fail-fast connection rejects commands until it is ready; BullMQ's
   * `waitUntilReady` waits for that (within the deadline).
   */
  private async connected(
    durability: Durability,
    ...prepared: TenantJob[]
  ): Promise<void> {
    const { queues } = this.lanes.for(durability);
    const [first] = prepared;
    // The common case, one job, allocates nothing more per enqueue.
    if (prepared.length === 1 && first)
      return queues.get(first.job.queue).waitUntilReady();
    const names = new Set(prepared.map((p) => p.job.queue));
    await Promise.all(
      [...names].map((queue) => queues.get(queue).waitUntilReady()),
    );
  }

  /**
   * Admits the jobs for their tenant, then stores them; an admission whose
   * add surely failed is given back. `after` joins the add's transaction.
   */
  private async admitted(
    prepared: TenantJob[],
    attempt: WriteAttempt,
    after?: (multi: ChainableCommander) => void,
  ): Promise<TenantJob[]> {
    const tenant = prepared[0]?.tenant ?? '';
    const jobs = prepared.map((p) => ({ queue: p.job.queue, id: p.id }));
    const admission = await this.ledger.admit(tenant, jobs, {
      openInAdd: true,
    });
    let outcomes: Map<string, DeduplicationOutcome>;
    try {
      outcomes = await this.store(
        prepared,
        attempt,
        admission.openPending,
        after,
      );
    } catch (error) {
      if (!admission.openPending && !attempt.mayHaveStored(error))
        await this.ledger.release(tenant, jobs).catch(() => undefined);
      throw error;
    }
    this.index.addedAll(tenant, jobs);
    return outcomes.size === 0
      ? prepared
      : settleDeduplicated(prepared, outcomes, this.ledger);
  }

  /**
   * One transaction, shared with the other enqueues of this turn: each job's
   * listing-index entry (and open-set entry,
   * when the admission left it to the add) with BullMQ's add.
   */
  private async store(
    prepared: TenantJob[],
    attempt: WriteAttempt,
    withOpen: boolean,
    after?: (multi: ChainableCommander) => void,
  ): Promise<Map<string, DeduplicationOutcome>> {
    const admittedAt = Date.now();
    // Written only for deduplicated jobs: most batches share the empty one.
    const outcomes = prepared.some((p) => p.bullOptions.deduplication)
      ? new Map<string, DeduplicationOutcome>()
      : NO_OUTCOMES;
    const durability = durabilityOf(this.limits.durability, prepared);
    const lane = this.lanes.for(durability);
    await lane.transactions.add({
      attempt,
      after,
      ...this.lanes.group(prepared[0]!.job.queue, durability),
      jobs: prepared.map((p) => {
        const { queue } = p.job;
        const dedup = deduplicationStep(this.keys, p, outcomes);
        return {
          add: bullAddOf(
            lane.queues.get(queue),
            p.job.name,
            p.envelope,
            // BullMQ copies the options it is given: no copy of ours.
            p.bullOptions.jobId === p.id
              ? (p.bullOptions as JobsOptions & { jobId: string })
              : { ...p.bullOptions, jobId: p.id },
          ),
          entries: {
            id: p.id,
            index: this.keys.index(queue, p.tenant),
            indexScore: this.index.score(p.bullOptions.timestamp ?? admittedAt),
            open: this.keys.open(queue, p.tenant),
            openScore: withOpen ? admittedAt : undefined,
          },
          before: dedup?.before,
          afterAdd: dedup?.afterAdd,
          held: this.hold.hook(p),
        };
      }),
    });
    return outcomes;
  }

  /**
   * With an idempotency key: the first call claims it and adds the job; a
   * later call with the same payload answers the same job. A claim whose add
   * was never confirmed (the API died between them) is completed under the
   * claimed id: BullMQ ignores an add whose id exists, so a late original add
   * and this one make one job.
   */
  private async storeOnce(
    prepared: TenantJob,
    key: string,
    attempt: WriteAttempt,
  ): Promise<TenantJob> {
    const { job, envelope, tenant } = prepared;
    const target: IdempotencyTarget = {
      keys: this.keys,
      tenant,
      queue: job.queue,
      jobName: job.name,
      key,
    };
    const claim = await claimIdempotencyKey(this.redis, target, {
      jobId: prepared.id,
      payloadHash: prepared.fingerprint ?? payloadHash(envelope.payload),
      ttlMs: job.limits.idempotencyTtlMs,
    });
    if (
      !claim.samePayload &&
      !(await isUpcastReplay(this.redis, this.keys, prepared, claim.jobId))
    )
      throw new IdempotencyConflictError(job.name);
    const claimed = withId(prepared, claim.jobId);
    const replay = () =>
      this.lanes.confirmReplay(
        target,
        attempt,
        durabilityOf(this.limits.durability, [claimed]),
      );
    if (claim.stored) return { ...claimed, replayed: await replay() };
    if (
      !claim.fresh &&
      (await storedOrCancelled(this.redis, this.keys, claimed))
    ) {
      await markStored(this.redis, target, claimed.id);
      return { ...claimed, replayed: await replay() };
    }
    // Claimed moments ago and not stored yet: another enqueue with this key
    // may still be adding it. Touch nothing of its; the caller retries.
    const age = Date.now() - (claim.claimedAt ?? 0);
    if (!claim.fresh && age < this.limits.timeoutMs + IN_FLIGHT_MARGIN_MS)
      throw new IdempotencyInFlightError(job.name);
    let stored: TenantJob | undefined;
    try {
      attempt.proceed();
      [stored] = await this.admitted([claimed], attempt, (multi) =>
        markStoredIn(multi, target, claimed.id),
      );
    } catch (error) {
      if (claim.fresh && !attempt.mayHaveStored(error))
        await releaseIdempotencyKey(this.redis, target, claimed.id).catch(
          () => undefined,
        );
      throw error;
    }
    if (stored && stored.id !== claimed.id)
      await repointIdempotencyKey(this.redis, target, claimed.id, stored.id);
    return stored ?? claimed;
  }
}

/** Past its deadline plus this, an enqueue sends nothing more: its claim can be completed by another. */
const IN_FLIGHT_MARGIN_MS = 1_000;
