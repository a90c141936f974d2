import type { ChainableCommander, Redis } from 'ioredis';
import type { Durability } from '@conveyor/core';
import type { BullAdd } from './bull-add.ts';
import { leanPipeline } from '../lean-batch.ts';
import { COMPOSED_COMMANDS, defineComposedAdds } from './composed-add.ts';
import { isComposedAdd, queueAdd, type JobEntries } from './queue-add.ts';
import { ReplicaWait, type WaitTarget } from './replica-wait.ts';
import type { WriteAttempt } from './write-attempt.ts';

/** One job for an add transaction: BullMQ's add plus the Conveyor writes that go with it. */
export interface TransactionJob {
  /** BullMQ's add of the job, as BullMQ built it (bull-add.ts). */
  add: BullAdd;
  /** Conveyor's own entries for this job, on its queue's slot (index, open set). */
  entries: JobEntries;
  /** Writes before the add (a deduplicated job's snapshot). */
  before?: ((multi: ChainableCommander) => void) | undefined;
  /** One command right after the add, whose reply `read` is given once the transaction succeeded. */
  afterAdd?: {
    queue: (multi: ChainableCommander) => void;
    read: (reply: unknown) => void;
  };
  /** Writes right after the add (a flow-controlled job moves to its lane). */
  held?: ((multi: ChainableCommander) => void) | undefined;
}

/** One enqueue's share of a transaction. */
export interface AddRequest {
  jobs: readonly TransactionJob[];
  /** Best-effort writes after the jobs (an idempotency key's "stored" mark). */
  after?: ((multi: ChainableCommander) => void) | undefined;
  /** Marked as sending when the transaction goes out; an abandoned one is left out. */
  attempt: WriteAttempt;
  /** Requests of one group share a transaction: one Redis, or one Cluster slot. */
  group: string;
  /** A key in the group's slot: where a Cluster's `WAIT` goes. */
  slotKey: string;
  /** Replicas that must confirm the transaction before this request is answered. */
  durability?: Durability | undefined;
}

interface Pending extends AddRequest {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Stores jobs in MULTIs: each job's add with its Conveyor entries (one
 * script, queue-add.ts), then the request's `after`. Redis runs a
 * transaction whole or not at all: no job without its index entry, no half
 * batch. A lone job whose add is one composed script needs no MULTI: it
 * goes in a pipeline (`isSolo`).
 *
 * The enqueues of one event-loop turn share one MULTI (and one pipeline)
 * per group (a group commit): ioredis builds every transaction by copying
 * each script defined on the connection (BullMQ defines dozens), which cost
 * more CPU than the adds themselves when done per enqueue. Each enqueue
 * still gets its own answer, from its own replies.
 */
export class AddTransactions {
  private pending = new Map<string, Pending[]>();
  private scheduled = false;
  private readonly replicas: ReplicaWait;

  constructor(private readonly client: Redis) {
    this.replicas = new ReplicaWait(client);
    defineComposedAdds(client);
  }

  add(request: AddRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const group = this.pending.get(request.group);
      const entry = { ...request, resolve, reject };
      if (group) group.push(entry);
      else this.pending.set(request.group, [entry]);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const groups = [...this.pending.values()];
    this.pending = new Map();
    for (const requests of groups) {
      const solo = requests.filter(isSolo);
      const joint =
        solo.length === requests.length
          ? []
          : requests.filter((r) => !isSolo(r));
      if (solo.length > 0) void this.commit(solo, false);
      if (joint.length > 0) void this.commit(joint, true);
    }
  }

  /**
   * Requests that write more than one script's worth go in a MULTI: all or
   * nothing. A lone composed add is one atomic script already, so those
   * are pipelined without MULTI/EXEC (each still answered from its own
   * reply): Redis then neither queues nor replays them.
   */
  private async commit(requests: Pending[], atomic: boolean): Promise<void> {
    // BullMQ's scripts and the composed adds are defined on the connection;
    // lone composed adds call only the latter (lean-batch.ts).
    const multi = atomic
      ? this.client.multi()
      : leanPipeline(this.client, COMPOSED_COMMANDS);
    // `length` counts the MULTI itself, which has no reply of its own.
    const base = multi.length;
    const spans: {
      request: Pending;
      from: number;
      own: number;
      readers: readonly Reader[];
    }[] = [];
    for (const request of requests) {
      try {
        request.attempt.sending();
      } catch (error) {
        request.reject(error);
        continue;
      }
      const from = multi.length - base;
      const readers = queueJobs(multi, request.jobs);
      const own = multi.length - base;
      request.after?.(multi);
      spans.push({ request, from, own, readers });
    }
    if (spans.length === 0) return;
    let replies: [Error | null, unknown][] | null;
    let target: WaitTarget | undefined;
    try {
      // Adds of one lane ask the same durability (write-lanes.ts).
      if (spans[0]!.request.durability?.replicas)
        target = await this.replicas.target(spans[0]!.request.slotKey);
      replies = await multi.exec();
    } catch (error) {
      for (const { request } of spans) request.reject(error);
      return;
    }
    const stored: Pending[] = [];
    for (const { request, from, own, readers } of spans) {
      const failure = failureOf(replies, from, own);
      if (failure) request.reject(failure);
      else {
        try {
          for (const { at, read } of readers) read(replies?.[at - base]?.[1]);
          stored.push(request);
        } catch (error) {
          request.reject(error);
        }
      }
    }
    this.confirm(stored, target);
  }

  /** Answers the stored requests; those asking for replicas once they confirm (replica-wait.ts). */
  private confirm(stored: Pending[], target: WaitTarget | undefined): void {
    for (const request of stored) {
      const { durability } = request;
      if (!target || !durability?.replicas) request.resolve();
      else
        this.replicas
          .confirm(target, durability.replicas, durability.timeoutMs)
          .then(
            () => request.resolve(),
            (error: unknown) => request.reject(error),
          );
    }
  }
}

/** One job stored by one composed script, with nothing around it. */
function isSolo(request: AddRequest): boolean {
  const [job] = request.jobs;
  return (
    request.jobs.length === 1 &&
    request.after === undefined &&
    job !== undefined &&
    job.held === undefined &&
    isComposedAdd(job)
  );
}

/** A job's `afterAdd` reply: its position in the transaction. */
interface Reader {
  at: number;
  read: (reply: unknown) => void;
}

function queueJobs(
  multi: ChainableCommander,
  jobs: readonly TransactionJob[],
): readonly Reader[] {
  // Nearly every request has none: no array of its own then.
  let readers: Reader[] | undefined;
  for (const job of jobs) {
    queueAdd(multi, job);
    if (job.afterAdd) {
      (readers ??= []).push({ at: multi.length, read: job.afterAdd.read });
      job.afterAdd.queue(multi);
    }
    job.held?.(multi);
  }
  return readers ?? NO_READERS;
}

const NO_READERS: readonly Reader[] = [];

/** The error of a request's own replies (`from` to `own`), if any; `after` is best effort. */
function failureOf(
  replies: [Error | null, unknown][] | null,
  from: number,
  own: number,
): Error | undefined {
  if (!replies) return new Error('the add transaction was discarded');
  for (let i = from; i < own; i++) {
    const [error, reply] = replies[i] ?? [null, undefined];
    if (error) return error;
    // BullMQ's scripts answer a negative code for a job they refused to add.
    if (typeof reply === 'number' && reply < 0)
      return new Error(`BullMQ refused an add (code ${reply})`);
  }
  return undefined;
}
