import { type RetentionPolicy } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { Queue, type DefaultJobOptions, type KeepJobs } from 'bullmq';
import type { Redis } from 'ioredis';

export const TEST_JOB = 'TEST_JOB';

/** BullMQ's retention shape for a contract's policy (as Conveyor's producer maps it). */
function keepJobs({ age, count }: RetentionPolicy): KeepJobs | false {
  if (age === undefined) return count === undefined ? false : { count };
  return count === undefined ? { age } : { age, count };
}

/**
 * The options a production BullMQ user sets on the queue, taken from the
 * benchmarked job's effective defaults in the contract: the same attempts,
 * backoff and retention by count and age. With them, the raw side also
 * retries and trims, and each ratio measures Conveyor's own work.
 */
function fromContract(name: string): {
  queue: string;
  options: DefaultJobOptions;
} {
  const job = registry.get(name);
  if (!job) throw new Error(`${name} is not in the catalog`);
  const { attempts, backoff, removeOnComplete, removeOnFail } = job.defaults;
  if (backoff.type === 'ladder')
    throw new Error(
      `${name}: raw BullMQ has no ladder backoff to compare with`,
    );
  return {
    queue: job.queue,
    options: {
      attempts,
      backoff: { ...backoff },
      removeOnComplete: keepJobs(removeOnComplete),
      removeOnFail: keepJobs(removeOnFail),
    },
  };
}

export const fairJobOptions = fromContract(TEST_JOB);

/** The raw side's queue: BullMQ with the fair options as its defaults. */
export function fairQueue(connection: Redis, prefix: string): Queue {
  return new Queue(fairJobOptions.queue, {
    connection,
    prefix,
    defaultJobOptions: fairJobOptions.options,
  });
}
