import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createKeyspace, type Keyspace } from '../src/keyspace.ts';
import { bullAddOf } from '../src/producer/bull-add.ts';
import {
  COMPOSED_ADDS,
  defineComposedAdds,
} from '../src/producer/composed-add.ts';
import { createRequire } from 'node:module';
import { queueAdd, type JobEntries } from '../src/producer/queue-add.ts';
import { scanKeys } from '../src/scan-keys.ts';

/*
 * The composed add (BullMQ's add script wrapped with Conveyor's entries)
 * against raw BullMQ `queue.add`: the same job added under two prefixes
 * must leave the same keys, types and contents in BullMQ's part of Redis,
 * and Conveyor's entries only where the job was really added.
 */
const redisUrl = inject('redisUrl');
const QUEUE = 'equiv';
const TENANT = 't1';
const TIMESTAMP = 1_765_000_000_000;
const INDEX_SCORE = TIMESTAMP * 1_000 + 7;
const OPEN_SCORE = TIMESTAMP + 3;

type AddOptions = JobsOptions & { jobId: string };

interface Side {
  prefix: string;
  keys: Keyspace;
  queue: Queue;
}

let redis: Redis;
let raw: Side;
let composed: Side;

function side(label: string): Side {
  const prefix = uniquePrefix(label);
  const keys = createKeyspace(prefix);
  const queue = new Queue(QUEUE, {
    connection: redis,
    prefix: keys.bullPrefix(QUEUE),
  });
  return { prefix, keys, queue };
}

beforeEach(async () => {
  redis = new Redis(redisUrl);
  raw = side('equiv-raw');
  composed = side('equiv-composed');
  await raw.queue.waitUntilReady();
  await composed.queue.waitUntilReady();
  defineComposedAdds(redis);
});

afterEach(async () => {
  await raw.queue.close();
  await composed.queue.close();
  await deletePrefix(redisUrl, raw.prefix);
  await deletePrefix(redisUrl, composed.prefix);
  await redis.quit();
});

/** Production-like options (retries, backoff, retention), fixed id and time. */
function options(extra: Partial<JobsOptions> = {}): AddOptions {
  return {
    jobId: randomUUID(),
    timestamp: TIMESTAMP,
    attempts: 3,
    backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
    removeOnComplete: { count: 1_000, age: 86_400 },
    removeOnFail: { count: 10_000, age: 604_800 },
    ...extra,
  };
}

const data = (n: number) => ({
  v: 1,
  payload: { message: `m${n}` },
  tenantId: TENANT,
});

function entries(id: string): JobEntries {
  const { keys } = composed;
  return {
    id,
    index: keys.index(QUEUE, TENANT),
    indexScore: INDEX_SCORE,
    open: keys.open(QUEUE, TENANT),
    openScore: OPEN_SCORE,
  };
}

/** Through the composed script, as the producer's transaction sends it; its reply. */
async function addComposed(name: string, payload: unknown, opts: AddOptions) {
  const add = bullAddOf(composed.queue, name, payload, opts);
  const multi = redis.multi();
  queueAdd(multi, { add, entries: entries(opts.jobId) });
  const replies = await multi.exec();
  const [error, reply] = replies![0]!;
  if (error) throw error;
  return { command: add.command, reply };
}

async function addRaw(name: string, payload: unknown, opts: AddOptions) {
  return (await raw.queue.add(name, payload, opts)).id;
}

/** BullMQ's keys under a prefix (Conveyor's `cv:` keys apart), prefix removed, stream ids dropped. */
async function bullState(prefix: string): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  for (const key of (await scanKeys(redis, `${prefix}:*`)).sort()) {
    if (key.includes(':cv:')) continue;
    const type = await redis.type(key);
    state[`${key.slice(prefix.length)} ${type}`] = await contents(key, type);
  }
  return state;
}

async function contents(key: string, type: string): Promise<unknown> {
  switch (type) {
    case 'string':
      return redis.get(key);
    case 'hash':
      return redis.hgetall(key);
    case 'list':
      return redis.lrange(key, 0, -1);
    case 'set':
      return (await redis.smembers(key)).sort();
    case 'zset':
      return redis.zrange(key, '0', '-1', 'WITHSCORES');
    case 'stream':
      return (await redis.xrange(key, '-', '+')).map(([, fields]) => fields);
    default:
      throw new Error(`unexpected type ${type} at ${key}`);
  }
}

async function expectSameBullState(): Promise<void> {
  const [a, b] = await Promise.all([
    bullState(raw.prefix),
    bullState(composed.prefix),
  ]);
  expect(Object.keys(b).length).toBeGreaterThan(0);
  expect(b).toEqual(a);
}

async function conveyorEntries(id: string) {
  const e = entries(id);
  return {
    index: await redis.zscore(e.index, id),
    open: await redis.zscore(e.open, id),
  };
}

const written = { index: String(INDEX_SCORE), open: String(OPEN_SCORE) };
const none = { index: null, open: null };

describe('composed add vs raw queue.add', () => {
  it('wraps the installed BullMQ add scripts, each verbatim', () => {
    const bull = createRequire(import.meta.url)(
      'bullmq/dist/cjs/scripts/index.js',
    ) as Record<string, { content: string; keys: number }>;
    for (const name of [
      'addStandardJob',
      'addDelayedJob',
      'addPrioritizedJob',
    ]) {
      const composed = COMPOSED_ADDS.get(name);
      expect(composed?.bullKeys).toBe(bull[name]!.keys);
      expect(composed?.lua).toContain(bull[name]!.content);
    }
  });

  it.each([
    ['standard', 'addStandardJob', {}],
    ['delayed', 'addDelayedJob', { delay: 60_000 }],
    ['prioritized', 'addPrioritizedJob', { priority: 5 }],
    ['lifo', 'addStandardJob', { lifo: true }],
  ] as const)(
    'a %s job: same BullMQ keys, and the entries',
    async (_, script, extra) => {
      const opts = options(extra);
      const rawId = await addRaw('TEST_JOB', data(1), opts);
      const { command, reply } = await addComposed('TEST_JOB', data(1), opts);
      expect(command.split(':')[0]).toBe(script);
      expect(reply).toBe(rawId);
      expect(reply).toBe(opts.jobId);
      await expectSameBullState();
      expect(await conveyorEntries(opts.jobId)).toEqual(written);
    },
  );

  it('a job on a paused queue: same BullMQ keys', async () => {
    await raw.queue.pause();
    await composed.queue.pause();
    for (const extra of [{}, { priority: 2 }, { delay: 5_000 }]) {
      const opts = options(extra);
      expect((await addComposed('TEST_JOB', data(2), opts)).reply).toBe(
        await addRaw('TEST_JOB', data(2), opts),
      );
      expect(await conveyorEntries(opts.jobId)).toEqual(written);
    }
    await expectSameBullState();
  });

  it('an id that exists: BullMQ changes nothing, and no entries are written', async () => {
    const first = options();
    await addRaw('TEST_JOB', data(1), first);
    await addComposed('TEST_JOB', data(1), first);
    const e = entries(first.jobId);
    await redis.zrem(e.index, first.jobId);
    await redis.zrem(e.open, first.jobId);
    for (const extra of [{}, { delay: 1_000 }, { priority: 1 }]) {
      const again = { ...options(extra), jobId: first.jobId };
      const { reply } = await addComposed('OTHER', data(9), again);
      expect(reply).toBe(await addRaw('OTHER', data(9), again));
      expect(reply).toBe(first.jobId);
    }
    await expectSameBullState();
    expect(await conveyorEntries(first.jobId)).toEqual(none);
    const job = await composed.queue.getJob(first.jobId);
    expect(job?.name).toBe('TEST_JOB');
  });

  it('a deduplicated add answers the other job: no entries for the new id', async () => {
    for (const extra of [{}, { delay: 2_000 }, { priority: 3 }]) {
      const deduplication = { id: randomUUID(), ttl: 60_000 };
      const first = options({ ...extra, deduplication });
      const second = options({ ...extra, deduplication });
      await addRaw('TEST_JOB', data(1), first);
      await addComposed('TEST_JOB', data(1), first);
      const { reply } = await addComposed('TEST_JOB', data(2), second);
      expect(reply).toBe(await addRaw('TEST_JOB', data(2), second));
      expect(reply).toBe(first.jobId);
      expect(await conveyorEntries(first.jobId)).toEqual(written);
      expect(await conveyorEntries(second.jobId)).toEqual(none);
    }
    await expectSameBullState();
  });

  it('a refused add (missing parent): the same code as BullMQ, no entries', async () => {
    const parent = {
      id: 'gone',
      queue: `${composed.keys.bullPrefix(QUEUE)}:${QUEUE}`,
    };
    const opts = options({ parent });
    const { reply } = await addComposed('TEST_JOB', data(1), opts);
    expect(reply).toBe(-5);
    await expect(
      addRaw('TEST_JOB', data(1), {
        ...opts,
        parent: { id: 'gone', queue: `${raw.keys.bullPrefix(QUEUE)}:${QUEUE}` },
      }),
    ).rejects.toThrow(/Missing key for parent job/);
    expect(await conveyorEntries(opts.jobId)).toEqual(none);
    await expectSameBullState();
  });

  it('finds the job hash under a prefix with colons: an existing id gets no entries', async () => {
    const colon = side('equiv-colon');
    const keys = createKeyspace(`${colon.prefix}:a:b`);
    const queue = new Queue(QUEUE, {
      connection: redis,
      prefix: keys.bullPrefix(QUEUE),
    });
    try {
      const opts = options();
      const e = {
        ...entries(opts.jobId),
        index: keys.index(QUEUE, TENANT),
        open: keys.open(QUEUE, TENANT),
      };
      for (const expected of [written, none]) {
        const multi = redis.multi();
        const add = bullAddOf(queue, 'TEST_JOB', data(1), opts);
        queueAdd(multi, { add, entries: e });
        expect((await multi.exec())?.[0]).toEqual([null, opts.jobId]);
        expect(await redis.exists(keys.bull(QUEUE, opts.jobId))).toBe(1);
        const entriesNow = {
          index: await redis.zscore(e.index, opts.jobId),
          open: await redis.zscore(e.open, opts.jobId),
        };
        expect(entriesNow).toEqual(expected);
        await redis.zrem(e.index, opts.jobId);
        await redis.zrem(e.open, opts.jobId);
      }
    } finally {
      await queue.close();
      await colon.queue.close();
      await deletePrefix(redisUrl, colon.prefix);
    }
  });

  it('without an open entry to write, writes the index entry only', async () => {
    const opts = options();
    const add = bullAddOf(composed.queue, 'TEST_JOB', data(1), opts);
    const multi = redis.multi();
    queueAdd(multi, {
      add,
      entries: { ...entries(opts.jobId), openScore: undefined },
    });
    const [[error, reply]] = (await multi.exec()) as [[Error | null, unknown]];
    expect(error).toBeNull();
    expect(reply).toBe(opts.jobId);
    expect(await conveyorEntries(opts.jobId)).toEqual({
      index: written.index,
      open: null,
    });
  });
});
