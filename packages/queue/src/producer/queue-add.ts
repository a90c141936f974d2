import type { ChainableCommander } from 'ioredis';
import type { BullAdd } from './bull-add.ts';
import {
  COMPOSED_ADDS,
  COMPOSED_EXTRA_ARGS,
  COMPOSED_EXTRA_KEYS,
  queueCommand,
  type ComposedAdd,
} from './composed-add.ts';

/** Conveyor's entries for one job, on its queue's slot. */
export interface JobEntries {
  id: string;
  /** The tenant's listing index (`jobs.list`), written NX. */
  index: string;
  indexScore: number;
  /** The tenant's open set, when the admission left that entry to the add. */
  open: string;
  openScore: number | undefined;
}

/** One job's part of a transaction, as add-transaction.ts queues it. */
export interface QueuedAdd {
  add: BullAdd;
  entries: JobEntries;
  before?: ((multi: ChainableCommander) => void) | undefined;
  afterAdd?: unknown;
}

/**
 * Queues a job's add with its entries. The hot path's adds (standard,
 * delayed, prioritized) go as one composed script (composed-add.ts), which
 * writes the entries only when it stored the job. A job with writes around
 * its add (deduplication's snapshot and check) and any other BullMQ script
 * take BullMQ's own script, the entries written beside it as plain
 * commands (the deduplication check takes back those of a job not added).
 */
export function queueAdd(multi: ChainableCommander, job: QueuedAdd): void {
  const composed = composedOf(job);
  const { entries } = job;
  if (composed) {
    queueCommand(
      multi,
      composed.command,
      composedArgs(job.add, composed, entries),
    );
    return;
  }
  if (entries.openScore !== undefined)
    multi.zadd(entries.open, entries.openScore, entries.id);
  multi.zadd(entries.index, 'NX', entries.indexScore, entries.id);
  job.before?.(multi);
  queueCommand(multi, job.add.command, job.add.args);
}

/** Whether the job's add and entries go as one composed script. */
export function isComposedAdd(job: QueuedAdd): boolean {
  return composedOf(job) !== undefined;
}

function composedOf(job: QueuedAdd): ComposedAdd | undefined {
  return job.before || job.afterAdd ? undefined : composedFor(job.add.command);
}

/** BullMQ's KEYS, Conveyor's keys, BullMQ's ARGV, Conveyor's arguments (composed-add.ts). */
function composedArgs(
  add: BullAdd,
  composed: ComposedAdd,
  entries: JobEntries,
): unknown[] {
  const n = composed.bullKeys;
  const { args } = add;
  // Built in place: one array per job, no slices.
  const all: unknown[] = new Array(
    args.length + COMPOSED_EXTRA_KEYS + COMPOSED_EXTRA_ARGS,
  );
  let at = 0;
  for (let i = 0; i < n; i++) all[at++] = args[i];
  all[at++] = entries.index;
  // Without an entry to write, a key of the job's slot stands in for the
  // open set's (on a Cluster that one is in the tenant's slot).
  all[at++] = entries.openScore === undefined ? entries.index : entries.open;
  for (let i = n; i < args.length; i++) all[at++] = args[i];
  all[at++] = entries.indexScore;
  all[at++] = entries.openScore ?? '';
  all[at] = entries.id;
  return all;
}

/** By BullMQ's command (`<script>:<version>`): its composed form, if it has one. */
const byCommand = new Map<string, ComposedAdd | null>();

function composedFor(command: string): ComposedAdd | undefined {
  let composed = byCommand.get(command);
  if (composed === undefined) {
    composed =
      COMPOSED_ADDS.get(command.slice(0, command.indexOf(':'))) ?? null;
    byCommand.set(command, composed);
  }
  return composed ?? undefined;
}
