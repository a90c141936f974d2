import { DEFAULT_TENANT } from '@conveyor/core';
import {
  createKeyspace,
  createProducer,
  parseAttempts,
  type Producer,
} from '@conveyor/queue';
import {
  deletePrefix,
  spawnTsProcess,
  uniquePrefix,
  waitFor,
  type OutputLine,
  type TsProcess,
} from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';
import { faultRegistry } from '../fixtures/fault-jobs.ts';

const DAEMON = fileURLToPath(
  new URL('../fixtures/fault-daemon.ts', import.meta.url),
);

/**
 * Real fault-daemon processes on one private prefix, a producer and a BullMQ
 * view of the default queue. `close()` stops everything and deletes the keys.
 */
export function faultHarness(redisUrl: string, label: string) {
  const prefix = uniquePrefix(label);
  // Made on first use: a test that stops Redis under a daemon needs none.
  let clients:
    | { redis: Redis; producer: Producer<typeof faultRegistry>; queue: Queue }
    | undefined;
  const connect = () => {
    if (clients) return clients;
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const producer = createProducer({
      registry: faultRegistry,
      tenantId: DEFAULT_TENANT,
      redis,
      keys: createKeyspace(prefix),
    });
    const queue = new Queue('default', {
      connection: { url: redisUrl, maxRetriesPerRequest: null },
      prefix: createKeyspace(prefix).bullPrefix('default'),
    });
    return (clients = { redis, producer, queue });
  };
  const daemons: TsProcess[] = [];

  function start(env: Record<string, string> = {}): TsProcess {
    const daemon = spawnTsProcess(DAEMON, {
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        CONVEYOR_PREFIX: prefix,
        LOG_LEVEL: 'info',
        ...env,
      },
    });
    daemons.push(daemon);
    return daemon;
  }

  /** Every `msg` line about one job, across all daemons started so far, oldest first. */
  const linesOf = (jobId: string, msg: string): OutputLine[] =>
    daemons
      .flatMap((d) =>
        d.lines.filter(
          (l) => l.record?.jobId === jobId && l.record.msg === msg,
        ),
      )
      .sort((a, b) => Number(a.record?.time) - Number(b.record?.time));

  return {
    prefix,
    get producer() {
      return connect().producer;
    },
    get queue() {
      return connect().queue;
    },
    daemons,
    start,
    ready: (daemon: TsProcess) =>
      daemon.waitForLine(
        (l) => l.record?.msg === 'Conveyor worker ready',
        60_000,
      ),
    linesOf,
    /**
     * Waits until `count` such lines have arrived: a daemon's stdout reaches
     * the test later than its writes reach Redis, so a completion read there
     * can come before the log line that preceded it.
     */
    linesArrived: (jobId: string, msg: string, count = 1) =>
      waitFor(
        () => (linesOf(jobId, msg).length >= count ? true : undefined),
        30_000,
        `${count} "${msg}" line(s) for job ${jobId}`,
      ),
    async attemptErrors(jobId: string): Promise<string[]> {
      const { logs } = await connect().queue.getJobLogs(jobId);
      return parseAttempts(logs).flatMap((a) =>
        a.error === null ? [] : [a.error],
      );
    },
    async close() {
      await Promise.all(
        daemons.map((d) => {
          if (d.child.exitCode === null && d.child.signalCode === null)
            d.child.kill('SIGKILL');
          return d.exited;
        }),
      );
      if (!clients) return;
      await clients.producer.close();
      await clients.queue.close();
      clients.redis.disconnect();
      await deletePrefix(redisUrl, prefix);
    },
  };
}

export type FaultHarness = ReturnType<typeof faultHarness>;
