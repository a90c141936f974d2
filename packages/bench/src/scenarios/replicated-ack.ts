import { DEFAULT_TENANT } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { uniquePrefix } from '@conveyor/testkit';
import { createKeyspace, createProducer } from '@conveyor/queue';
import { Redis } from 'ioredis';
import {
  measured,
  saturate,
  type BenchContext,
  type Sample,
  type Side,
} from '../context.ts';
import { fairQueue, TEST_JOB } from '../fair-options.ts';
import { startReplicaPair, type ReplicaPair } from '../replica-pair.ts';
import type { Scenario } from '../scenario.ts';
import { percentile } from '../stats.ts';

/** REDIS_ACK_TIMEOUT_MS's default: the deployment value the bench measures. */
const ACK_TIMEOUT_MS = 1_000;
const IN_FLIGHT = 50;
const CLIENTS = ['Conveyor', 'BullMQ'] as const;
type Client = (typeof CLIENTS)[number];

interface Enqueuer {
  add(i: number): Promise<void>;
  close(): Promise<void>;
}

let pair: ReplicaPair | undefined;

/**
 * 13. What a replicated acknowledgement costs an enqueue, on a primary with
 * one replica (two `redis-server`s on loopback). The raw column is acks off,
 * the Conveyor column acks on (one replica within 1 s), for two clients:
 * the Conveyor producer (`replicatedAck: { replicas: 1 }`, whose acked
 * adds and WAITs go on a connection of their own) and, as the baseline, raw
 * BullMQ `queue.add` followed by `WAIT 1 1000` on the same connection.
 * Sequential single enqueues (c=1) give the latency one caller sees; 50 in
 * flight give throughput, where the adds queued behind one WAIT are
 * confirmed by the next, so they share the replica's round trips.
 */
export const replicatedAckScenario: Scenario = {
  id: 13,
  title:
    'replicated acknowledgements: acks off (raw column) vs WAIT for 1 replica (Conveyor column), Conveyor producer and raw BullMQ',
  goals: [],
  async before() {
    pair = await startReplicaPair();
  },
  async after() {
    await pair?.stop();
    pair = undefined;
  },
  async run(ctx, order) {
    if (!pair) throw new Error('scenario 13: the replica pair is not running');
    const url = pair.primary.url;
    const sequential = ctx.quick ? 200 : 2_000;
    const concurrent = ctx.quick ? 1_000 : 20_000;
    const samples: Sample[] = [];
    // Clients alternate with the sides, so neither always runs first.
    const clients = order[0] === 'raw' ? CLIENTS : [...CLIENTS].reverse();
    for (const client of clients)
      for (const side of order) {
        const one = await measureOne(ctx, url, client, side, {
          sequential,
          concurrent,
        });
        samples.push(...one);
      }
    // Rows in a fixed order (the first is the headline for the noise rule).
    const rank = (s: Sample) => METRICS.indexOf(s.metric);
    return samples.sort((a, b) => rank(a) - rank(b));
  },
};

const METRICS = CLIENTS.flatMap((client) => [
  `${client} jobs/s c=${IN_FLIGHT}`,
  `${client} p50 ms c=1`,
  `${client} p99 ms c=1`,
  `${client} p50 ms c=${IN_FLIGHT}`,
  `${client} p99 ms c=${IN_FLIGHT}`,
]);

async function measureOne(
  ctx: BenchContext,
  url: string,
  client: Client,
  side: Side,
  counts: { sequential: number; concurrent: number },
): Promise<Sample[]> {
  const acked = side === 'conveyor';
  const redis = new Redis(url);
  const enqueuer = open(client, acked, redis, uniquePrefix('bench-ack'));
  try {
    // JIT, scripts loaded, connection up: not the first calls' cost.
    await timed(ctx.quick ? 200 : 2_000, IN_FLIGHT, enqueuer);
    const c1 = await measured(ctx, side, () =>
      timed(counts.sequential, 1, enqueuer),
    );
    const cN = await measured(ctx, side, () =>
      timed(counts.concurrent, IN_FLIGHT, enqueuer),
    );
    const jobsPerSecond = counts.concurrent / cN.seconds;
    ctx.log(
      `  ${client}, acks ${acked ? 'on (WAIT 1)' : 'off'}: c=1 p50 ${p(c1, 50)} ms, p99 ${p(c1, 99)} ms; c=${IN_FLIGHT} ${Math.round(jobsPerSecond)} jobs/s, p50 ${p(cN, 50)} ms, p99 ${p(cN, 99)} ms`,
    );
    return [
      { metric: `${client} jobs/s c=${IN_FLIGHT}`, value: jobsPerSecond },
      { metric: `${client} p50 ms c=1`, value: percentile(c1.latencies, 50) },
      { metric: `${client} p99 ms c=1`, value: percentile(c1.latencies, 99) },
      {
        metric: `${client} p50 ms c=${IN_FLIGHT}`,
        value: percentile(cN.latencies, 50),
      },
      {
        metric: `${client} p99 ms c=${IN_FLIGHT}`,
        value: percentile(cN.latencies, 99),
      },
    ].map((sample) => ({ ...sample, side }));
  } finally {
    await enqueuer.close();
    // The next measurement starts on empty servers (FLUSHALL replicates).
    await redis.flushall('SYNC');
    redis.disconnect();
  }
}

const p = (run: { latencies: number[] }, at: number) =>
  percentile(run.latencies, at).toFixed(2);

function open(
  client: Client,
  acked: boolean,
  redis: Redis,
  prefix: string,
): Enqueuer {
  if (client === 'BullMQ') {
    const queue = fairQueue(redis, prefix);
    return {
      add: async (i) => {
        await queue.add(TEST_JOB, { message: `m${i}` });
        if (acked) await waitForReplica(redis);
      },
      close: () => queue.close(),
    };
  }
  const producer = createProducer({
    registry,
    tenantId: DEFAULT_TENANT,
    redis,
    keys: createKeyspace(prefix),
    ...(acked && {
      replicatedAck: { replicas: 1, timeoutMs: ACK_TIMEOUT_MS },
    }),
  });
  return {
    add: async (i) => {
      await producer.enqueue({ name: TEST_JOB, data: { message: `m${i}` } });
    },
    close: () => producer.close(),
  };
}

/** What the raw side must do itself: WAIT, and treat a short count as a failure. */
async function waitForReplica(redis: Redis) {
  const replicas = await redis.wait(1, ACK_TIMEOUT_MS);
  if (replicas < 1)
    throw new Error(
      `WAIT 1 ${ACK_TIMEOUT_MS}: no replica confirmed the write in time`,
    );
}

/** `count` adds, `inFlight` at a time: elapsed seconds and each add's latency in ms. */
async function timed(count: number, inFlight: number, enqueuer: Enqueuer) {
  const latencies: number[] = [];
  const seconds = await saturate(count, inFlight, async (i) => {
    const started = performance.now();
    await enqueuer.add(i);
    latencies.push(performance.now() - started);
  });
  return { seconds, latencies };
}
