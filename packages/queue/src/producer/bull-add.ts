import { Job, type JobsOptions, type Queue } from 'bullmq';

/** BullMQ's add of one job as BullMQ would send it: its script's command and arguments. */
export interface BullAdd {
  /** The command BullMQ defined on the connection (`addStandardJob:<version>`, …). */
  command: string;
  /** KEYS then ARGV, as BullMQ built them. */
  args: unknown[];
}

/** What BullMQ's add is given back: no negative code, so no error is made. */
const CAPTURED = Promise.resolve('');

/**
 * Stands in for a transaction to BullMQ's `Job.addJob`, which builds its
 * arguments (the msgpacked options, the job's JSON, the key list) and hands
 * them to `runCommand` synchronously: BullMQ's own code picks the script and
 * encodes the job, so a composed add sends exactly what BullMQ would.
 */
const capture: { last: BullAdd | undefined; runCommand: unknown } = {
  last: undefined,
  runCommand(command: string, args: unknown[]) {
    capture.last = { command, args };
    return CAPTURED;
  },
};

/**
 * BullMQ's add for a job. Throws what BullMQ's own validation throws (an
 * invalid option), before anything is sent.
 */
export function bullAddOf(
  queue: Queue,
  name: string,
  data: unknown,
  opts: JobsOptions & { jobId: string },
): BullAdd {
  capture.last = undefined;
  new Job(queue, name, data, opts, opts.jobId)
    .addJob(capture as never)
    .catch(() => undefined);
  const add = capture.last;
  if (!add) throw new Error('BullMQ built no add command for the job');
  capture.last = undefined;
  return add;
}
