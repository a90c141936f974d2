import { openPayload } from '../sensitive/payload-sealer.ts';
import {
  isJobId,
  type AnyRegistry,
  type AttemptRecord,
  type JobView,
  type QueueName,
  type WaitingFor,
} from '@conveyor/core';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CancelledSnapshot, Cancellation } from '../cancellation.ts';
import { readWaitingFor } from '../flow/flow-reader.ts';
import { readHandBack } from '../versioning/hand-back-record.ts';
import type { Keyspace } from '../keyspace.ts';
import { envelopeTenant } from '../tenancy/envelope-tenant.ts';
import type { TenantLedger } from '../tenancy/tenant-ledger.ts';
import { parseAttempts } from '../attempt-history.ts';
import { parseJson, toJobView } from './to-job-view.ts';
import { ABSORBED_FIELD } from '../producer/deduplication-check.ts';

/** Attempt rows read per job: a job allows at most 1,000 attempts, people read the first few. */
const HISTORY_ROWS = 50;

export type Found =
  | {
      kind: 'job';
      queue: QueueName;
      job: Job;
      bullState: string;
      /** Enqueues a deduplicated job absorbed (its hash's counter). */
      absorbed?: number;
    }
  | {
      kind: 'cancelled';
      queue: QueueName;
      id: string;
      snapshot: CancelledSnapshot;
    };

export interface JobReaderDeps<TRegistry extends AnyRegistry> {
  registry: TRegistry;
  redis: Redis;
  keys: Keyspace;
  queue: (name: QueueName) => Queue;
  cancellation: Cancellation;
  ledger: TenantLedger;
}

/**
 * Finds a tenant's jobs wherever they are: any queue of the registry, in
 * BullMQ or as a cancelled snapshot. Everything a caller reads or steers goes
 * through `find`, so this is where tenants are kept apart: another tenant's
 * job is not found, exactly like a job that does not exist. So are ids that
 * are not UUIDs (`meta`, `events`: BullMQ's own keys) and jobs under a name
 * the contract does not know.
 */
export class JobReader<TRegistry extends AnyRegistry> {
  readonly registry: TRegistry;
  readonly redis: Redis;
  readonly keys: Keyspace;
  readonly queue: (name: QueueName) => Queue;
  readonly cancellation: Cancellation;
  readonly ledger: TenantLedger;

  constructor(deps: JobReaderDeps<TRegistry>) {
    ({
      registry: this.registry,
      redis: this.redis,
      keys: this.keys,
      queue: this.queue,
      cancellation: this.cancellation,
      ledger: this.ledger,
    } = deps);
  }

  /** Looks in every queue at once (ids are UUIDs, unique across queues). */
  async find(
    id: string,
    tenant: string,
    queues: readonly QueueName[] = this.registry.queues,
  ): Promise<Found | null> {
    if (!isJobId(id)) return null;
    const reads = await Promise.all(queues.map((q) => this.read(q, id)));
    const at = reads.findIndex((read) => read !== null);
    const read = reads[at];
    const queue = queues[at];
    if (read && queue)
      return this.ours(tenant, { kind: 'job', queue, ...read });
    const cancelled = await this.cancellation.findSnapshot(queues, id);
    if (!cancelled) return null;
    return this.ours(tenant, {
      kind: 'cancelled',
      queue: cancelled.queue,
      id,
      snapshot: cancelled.snapshot,
    });
  }

  /**
   * Drops a listing-index entry whose job retention has removed. An entry
   * whose job exists under a name this contract does not know (a newer
   * producer during a rolling deploy) is kept for readers that know it.
   */
  async forgetIfGone(
    queue: QueueName,
    tenant: string,
    id: string,
  ): Promise<void> {
    const [exists, snapshot] = await Promise.all([
      this.redis.exists(this.keys.bull(queue, id)),
      this.cancellation.hasSnapshot(queue, id),
    ]);
    if (exists === 0 && !snapshot)
      await this.redis.zrem(this.keys.index(queue, tenant), id);
  }

  /**
   * The job's attempt history (failed attempts, and the one that completed
   * a retried job), each with the wait before it; at most the first
   * HISTORY_ROWS. A cancelled snapshot keeps none.
   */
  async attempts(found: Found): Promise<AttemptRecord[]> {
    if (found.kind !== 'job') return [];
    const { logs } = await this.queue(found.queue).getJobLogs(
      found.job.id ?? '',
      0,
      HISTORY_ROWS - 1,
    );
    return parseAttempts(logs);
  }

  /** `reveal`: sealed (`sensitive()`) values in clear, for a caller allowed to see them. */
  view(
    found: Found,
    waitingFor?: WaitingFor | null,
    reveal = false,
  ): JobView<TRegistry> {
    const name = found.kind === 'job' ? found.job.name : found.snapshot.name;
    const job = this.registry.get(name);
    return toJobView(
      found,
      waitingFor,
      job,
      reveal && job
        ? {
            data: (value) => openPayload(job, 'data', value),
            result: (value) => openPayload(job, 'result', value),
          }
        : undefined,
    ) as JobView<TRegistry>;
  }

  /**
   * Why a waiting or delayed job has not started: a worker handed it back
   * as too new (only a job with a versioned envelope costs that read), or
   * flow control holds or dispatched it (waiting only); null otherwise. A
   * held job is in no BullMQ structure, so `read` already calls it waiting.
   * One or two more reads, so only for a single job.
   */
  async waitingFor(found: Found): Promise<WaitingFor | null> {
    if (found.kind !== 'job') return null;
    const { bullState, job, queue } = found;
    if (bullState !== 'waiting' && bullState !== 'delayed') return null;
    const handedBack = await readHandBack(this.redis, this.keys, queue, job);
    if (handedBack || bullState !== 'waiting') return handedBack;
    return readWaitingFor(this.redis, this.keys, {
      queue: found.queue,
      id: found.job.id ?? '',
      tenant: tenantOf(found),
      name: found.job.name,
    });
  }

  /** The job if it is this tenant's and of a job this contract knows. */
  private ours(tenant: string, found: Found): Found | null {
    const name = found.kind === 'job' ? found.job.name : found.snapshot.name;
    if (!this.registry.get(name)) return null;
    return tenantOf(found) === tenant ? found : null;
  }

  /**
   * The job and its state, consistent with each other: read separately, a
   * job finishing in between would show `completed` with no result. The
   * state is read first, so the job is at least as new; if they disagree on
   * whether it finished, read both again.
   */
  private async read(
    queue: QueueName,
    id: string,
  ): Promise<{ job: Job; bullState: string; absorbed: number } | null> {
    const key = (suffix: string) => this.keys.bull(queue, suffix);
    for (let attempt = 0; ; attempt += 1) {
      const replies = await this.redis
        .multi()
        .zscore(key('completed'), id)
        .zscore(key('failed'), id)
        .zscore(key('delayed'), id)
        .lpos(key('active'), id)
        .hget(key(id), ABSORBED_FIELD)
        .exec();
      const [completed, failed, delayed, active, absorbed] = (
        replies ?? []
      ).map(([, value]) => value);
      const bullState =
        completed !== null
          ? 'completed'
          : failed !== null
            ? 'failed'
            : delayed !== null
              ? 'delayed'
              : active !== null
                ? 'active'
                : 'waiting';
      const job = await this.queue(queue).getJob(id);
      if (!job) return null;
      const finished = bullState === 'completed' || bullState === 'failed';
      if (finished === (job.finishedOn !== undefined) || attempt >= 2)
        return { job, bullState, absorbed: Number(absorbed ?? 0) };
    }
  }
}

/** The tenant of a found job, from its envelope. */
export function tenantOf(found: Found): string {
  return envelopeTenant(
    found.kind === 'job' ? found.job.data : parseJson(found.snapshot.data),
  );
}
