import { encodeEnvelope, type AnyRegistry } from '@conveyor/core';
import { versionedV1Registry, versionedV2Registry } from '@conveyor/fixtures';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  Cancellation,
  createKeyspace,
  createProducer,
  createWorkerPool,
  JobReader,
  type HandBack,
  type Keyspace,
  type WorkerPool,
} from '../src/index.ts';

// Two releases of one app against one Redis: `notice.send` v1 wrote
// `{ to, body }`, v2 writes `{ to, text, locale }` and upcasts v1's.
const redisUrl = inject('redisUrl');
const QUEUE = 'versioned';
const WAIT_MS = 60_000;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface LogLine {
  level: number;
  msg: string;
}

function setup() {
  const prefix = uniquePrefix('versions');
  const keys = createKeyspace(prefix);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE, {
    connection: redis,
    prefix: keys.bullPrefix(QUEUE),
  });
  const producers = {
    v1: createProducer({
      registry: versionedV1Registry,
      tenantId: 'acme',
      redis,
      keys,
    }),
    v2: createProducer({
      registry: versionedV2Registry,
      tenantId: 'acme',
      redis,
      keys,
    }),
  };
  const reader = new JobReader({
    registry: versionedV2Registry,
    redis,
    keys,
    queue: () => queue,
    cancellation: new Cancellation(redis, keys),
    ledger: producers.v2.ledger,
  });
  const logs: LogLine[] = [];
  const handBacks: HandBack[] = [];
  const failedBy: string[] = [];
  const pools: WorkerPool[] = [];
  cleanup.push(async () => {
    for (const pool of pools) await pool.close();
    await producers.v1.close();
    await producers.v2.close();
    await queue.close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });
  const start = async (release: 'v1' | 'v2') => {
    const pool = startPool(release, { redis, keys, logs, handBacks });
    pools.push(pool);
    for (const worker of pool.workers)
      worker.on('failed', (job) =>
        failedBy.push(`${release}:${job?.id ?? ''}`),
      );
    await pool.ready();
    return pool;
  };
  const view = async (id: string) => {
    const found = await reader.find(id, 'acme');
    if (!found) throw new Error(`job ${id} not found`);
    return reader.view(found, await reader.waitingFor(found));
  };
  return {
    keys,
    redis,
    queue,
    producers,
    view,
    start,
    logs,
    handBacks,
    failedBy,
  };
}

function startPool(
  release: 'v1' | 'v2',
  deps: {
    redis: Redis;
    keys: Keyspace;
    logs: LogLine[];
    handBacks: HandBack[];
  },
): WorkerPool {
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => void deps.logs.push(JSON.parse(line) as LogLine),
    },
  );
  const registry: AnyRegistry =
    release === 'v1' ? versionedV1Registry : versionedV2Registry;
  return createWorkerPool({
    registry,
    redis: deps.redis,
    keys: deps.keys,
    logger,
    observers: [
      { onHandBack: (handBack) => void deps.handBacks.push(handBack) },
    ],
    processors: {
      'notice.send': (data: Record<string, unknown>) =>
        Promise.resolve({ received: data, release }),
      'notice.ping': () => Promise.resolve(),
    },
  } as Parameters<typeof createWorkerPool>[0]);
}

describe('versioned payloads on the worker', () => {
  it('a v1 worker hands a v2 job back without spending an attempt; a v2 worker then runs it', async () => {
    const t = setup();
    const v1 = await t.start('v1');
    const { id } = await t.producers.v2.enqueue({
      name: 'notice.send',
      data: { to: 'ada', text: 'hello', locale: 'fr' },
      options: { attempts: 2 },
    });
    // Handed back twice: the delay doubles and still nothing is spent.
    const held = await waitFor(
      async () => {
        const job = await t.view(id);
        return job.waitingFor?.handBacks !== undefined &&
          job.waitingFor.handBacks >= 2 &&
          job.state === 'delayed'
          ? job
          : undefined;
      },
      WAIT_MS,
      'two hand-backs',
    );
    expect(held.attemptsMade).toBe(0);
    expect(held.failedReason).toBeNull();
    expect(held.waitingFor).toMatchObject({
      reason: 'version',
      key: null,
      storedVersion: 2,
      knownVersion: 1,
    });
    expect(held.waitingFor?.retryAt).toBeInstanceOf(Date);
    expect(
      t.handBacks.map((h) => [h.name, h.storedVersion, h.knownVersion]),
    ).toContainEqual(['notice.send', 2, 1]);
    expect(t.handBacks.map((h) => h.delayMs).slice(0, 2)).toEqual([
      1_000, 2_000,
    ]);
    const warned = t.logs.filter(
      (l) => l.level === 40 && l.msg.includes('handed back'),
    );
    expect(warned).toHaveLength(1);
    expect(warned[0]?.msg).toBe(
      'jobs of notice.send version 2 handed back: this worker knows version 1; deploy workers that know it first',
    );
    await v1.close();
    await t.start('v2');
    const done = await waitFor(
      async () => {
        const job = await t.view(id);
        return job.state === 'completed' ? job : undefined;
      },
      WAIT_MS,
      'the v2 worker to complete it',
    );
    expect(done.result).toEqual({
      received: { to: 'ada', text: 'hello', locale: 'fr' },
      release: 'v2',
    });
    expect(done.attemptsMade).toBe(1);
    expect(done.waitingFor).toBeUndefined();
    expect(t.failedBy).toEqual([]);
  });

  it('a v2 worker runs a v1 job with the upcast value', async () => {
    const t = setup();
    await t.start('v2');
    const { id } = await t.producers.v1.enqueue({
      name: 'notice.send',
      data: { to: 'bob', body: 'hi' },
    });
    const done = await waitFor(
      async () => {
        const job = await t.view(id);
        return job.state === 'completed' ? job : undefined;
      },
      WAIT_MS,
      'completion',
    );
    expect(done.result).toEqual({
      received: { to: 'bob', text: 'hi', locale: 'en' },
      release: 'v2',
    });
    expect(t.handBacks).toEqual([]);
  });

  it('a v1 payload that cannot be upcast fails without retry, naming the versions', async () => {
    const t = setup();
    await t.start('v2');
    // Written by hand: a v1 envelope whose body is not a string, so no upcast applies.
    const job = await t.queue.add(
      'notice.send',
      encodeEnvelope({ to: 'eve', body: 42 }, { tenantId: 'acme' }),
      { attempts: 3 },
    );
    const id = job.id ?? '';
    const failed = await waitFor(
      async () => {
        const state = await t.queue.getJobState(id);
        return state === 'failed' ? await t.queue.getJob(id) : undefined;
      },
      WAIT_MS,
      'the failure',
    );
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toContain(
      'Job "notice.send": a version 1 payload cannot be upcast to version 2',
    );
    expect(failed?.failedReason).toContain("does not fit version 1's schema");
  });
});
