import { nonEmptyBatch } from '@conveyor/core';
import { flowRegistry } from '@conveyor/fixtures';
import { createKeyspace, createProducer, type Producer } from '@conveyor/queue';
import {
  deletePrefix,
  keysUnder,
  spawnTsProcess,
  uniquePrefix,
  type TsProcess,
} from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';
import {
  flowProbeKeys,
  forgetPid,
  type FlowStart,
} from '../fixtures/flow-probe.ts';

const DAEMON = fileURLToPath(
  new URL('../fixtures/flow-daemon.ts', import.meta.url),
);
const BATCH = 1_000;
/**
 * A batch of 1,000 took 0.25–1.1 s on the loaded 2-core test machine, with
 * or without flow control: the 1.5 s default is for API callers, not bulk loads.
 */
const ENQUEUE_TIMEOUT_MS = 30_000;

type FlowProducer = Producer<typeof flowRegistry>;
type Request = Parameters<FlowProducer['enqueueMany']>[0]['jobs'][number];

/**
 * Flow daemons (separate processes) on one private prefix, a producer per
 * tenant, and reads of what the processors recorded (flow-probe.ts).
 * `close()` kills the daemons and deletes every key it made.
 */
export function flowHarness(redisUrl: string, label: string) {
  const prefix = uniquePrefix(label);
  const keys = createKeyspace(prefix);
  const probeBase = `test:${prefix}`;
  const probe = flowProbeKeys(probeBase);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const producers = new Map<string, FlowProducer>();
  const queues = new Map<string, Queue>();
  const daemons: TsProcess[] = [];

  const producer = (tenantId: string): FlowProducer => {
    let made = producers.get(tenantId);
    if (!made) {
      made = createProducer({
        registry: flowRegistry,
        tenantId,
        redis,
        keys,
        timeoutMs: ENQUEUE_TIMEOUT_MS,
      });
      producers.set(tenantId, made);
    }
    return made;
  };

  /** Starts a daemon serving `queue` and resolves once it is ready. */
  async function start(
    queue: string,
    env: Record<string, string> = {},
  ): Promise<TsProcess> {
    const daemon = spawnTsProcess(DAEMON, {
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        CONVEYOR_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        WORKER_QUEUES: queue,
        FLOW_PROBE: probeBase,
        ...env,
      },
    });
    daemons.push(daemon);
    await daemon.waitForLine(
      (l) => l.record?.msg === 'flow daemon ready',
      60_000,
    );
    return daemon;
  }

  return {
    prefix,
    keys,
    redis,
    daemons,
    start,
    producer,
    /** A BullMQ view of one queue (job hashes, counts). */
    queue(name: string): Queue {
      let made = queues.get(name);
      if (!made) {
        made = new Queue(name, {
          connection: { url: redisUrl, maxRetriesPerRequest: null },
          prefix: keys.bullPrefix(name),
        });
        queues.set(name, made);
      }
      return made;
    },
    /** Enqueues as `tenant` in batches of 1,000; returns the ids in order. */
    async enqueueAll(tenant: string, jobs: Request[]): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < jobs.length; i += BATCH) {
        const answer = await producer(tenant).enqueueMany({
          jobs: nonEmptyBatch(jobs.slice(i, i + BATCH)),
        });
        ids.push(...answer.jobs.map((a) => a.id));
      }
      return ids;
    },
    /** kill -9, then forget the dead process's running attempts in the probe. */
    async kill(daemon: TsProcess): Promise<void> {
      daemon.child.kill('SIGKILL');
      await daemon.exited;
      if (daemon.child.pid !== undefined)
        await forgetPid(redis, probeBase, daemon.child.pid);
    },
    /** Tenant weights as an admin would set them (the runtime reads this hash). */
    async setWeights(queue: string, weights: Record<string, number>) {
      await redis.hset(`${keys.flowPrefix(queue)}weights`, weights);
    },
    /** Starts so far, by tenant. */
    async startedBy(): Promise<Record<string, number>> {
      const all = await redis.hgetall(probe.started);
      return Object.fromEntries(
        Object.entries(all).map(([tenant, n]) => [tenant, Number(n)]),
      );
    },
    /** Every start, in the order Redis recorded them. */
    async starts(): Promise<FlowStart[]> {
      return parseAll(await redis.lrange(probe.starts, 0, -1));
    },
    async violations(): Promise<FlowStart[]> {
      return parseAll(await redis.lrange(probe.violations, 0, -1));
    },
    doneCount: () => redis.scard(probe.done),
    /** The queue's per-key concurrency slot sets still in Redis. */
    slotKeys: (queue: string) =>
      keysUnder(redis, `${keys.flowPrefix(queue)}slots`),
    async close() {
      await Promise.all(
        daemons.map((d) => {
          if (d.child.exitCode === null && d.child.signalCode === null)
            d.child.kill('SIGKILL');
          return d.exited;
        }),
      );
      await Promise.all([...producers.values()].map((p) => p.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      redis.disconnect();
      await deletePrefix(redisUrl, prefix);
      await deletePrefix(redisUrl, probeBase);
    },
  };
}

function parseAll(lines: string[]): FlowStart[] {
  return lines.map((line) => JSON.parse(line) as FlowStart);
}

export type FlowHarness = ReturnType<typeof flowHarness>;
