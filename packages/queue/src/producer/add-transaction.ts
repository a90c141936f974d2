import {
  createIORedisClient,
  Job,
  type IRedisTransaction,
  type JobsOptions,
  type Queue,
} from 'bullmq';
import type { ChainableCommander, Redis } from 'ioredis';

/** One job for `addInTransaction`: BullMQ's add plus the Conveyor writes that go with it. */
export interface TransactionJob {
  queue: Queue;
  name: string;
  data: unknown;
  opts: JobsOptions & { jobId: string };
  /** Conveyor's own writes for this job, on its queue's slot (index, open set). */
  alongside(multi: ChainableCommander): void;
}

/**
 * Stores jobs in one MULTI: each job's Conveyor entries, then BullMQ's own
 * add script (`Job.addJob` on a transaction, as BullMQ's flows do), then
 * `after` (an idempotency key's "stored" mark, best effort). Redis runs all
 * of it or none: no job without its index entry, no half batch. On a Redis Cluster
 * every key must be on one slot, so the jobs must share one queue (the
 * producer refuses other batches there before calling this).
 */
export async function addInTransaction(
  client: Redis,
  jobs: readonly TransactionJob[],
  after?: (multi: ChainableCommander) => void,
): Promise<void> {
  // BullMQ's view of the same connection (its scripts are defined on it),
  // whose transactions take BullMQ's adds as well as plain commands.
  const multi = createIORedisClient(
    client,
  ).multi() as unknown as ChainableCommander & IRedisTransaction;
  const adds: Promise<string>[] = [];
  for (const job of jobs) {
    job.alongside(multi);
    // Queues the add script on the transaction synchronously; its promise
    // settles with the transaction and is read from exec's replies instead.
    const add = new Job(
      job.queue,
      job.name,
      job.data,
      job.opts,
      job.opts.jobId,
    ).addJob(multi);
    add.catch(() => undefined);
    adds.push(add);
  }
  // Only the jobs' own replies decide: `after` is best effort.
  const own = multi.length;
  after?.(multi);
  const replies = (await multi.exec())?.slice(0, own);
  if (!replies) throw new Error('the add transaction was discarded');
  const failed = replies.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
  // BullMQ's scripts answer a negative code for a job they refused to add.
  const refused = replies.find(
    ([, reply]) => typeof reply === 'number' && reply < 0,
  );
  if (refused) throw new Error(`BullMQ refused an add (code ${refused[1]})`);
}
