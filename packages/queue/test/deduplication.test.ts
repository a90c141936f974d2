import {
  decodeEnvelope,
  defineJob,
  defineRegistry,
  FlowKeyError,
} from '@conveyor/core';
import { defineDedupeJob, QUEUES } from '@conveyor/fixtures';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  Cancellation,
  createKeyspace,
  createProducer,
  createWorkerPool,
  JobReader,
  type Keyspace,
  type WorkerPool,
} from '../src/index.ts';
import type { TenantLimitPolicy } from '../src/tenancy/tenant-limits.ts';

const redisUrl = inject('redisUrl');
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());

// "Within ttl" is asserted with ttls no test run comes near; "after ttl" is
// waited for (the deduplication key's expiry, a job's state), never slept.
const registry = defineRegistry([
  defineDedupeJob('dedupe.simple', 'simple'),
  defineDedupeJob('dedupe.throttle', 'throttle', '10m'),
  defineDedupeJob('dedupe.throttle-brief', 'throttle', '300ms'),
  defineDedupeJob('dedupe.debounce', 'debounce', '10m'),
  defineDedupeJob('dedupe.keep-last', 'keep-last-if-active', '50ms'),
  defineJob({
    name: 'dedupe.by-note',
    queue: QUEUES.default,
    input: z.strictObject({ userId: z.string(), note: z.string() }),
    deduplicate: { mode: 'simple', key: (input) => input.note },
  }),
]);
type Name = Extract<keyof (typeof registry)['jobs'], string>;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function setup(options: { tenant?: string; limits?: TenantLimitPolicy } = {}) {
  const prefix = uniquePrefix('dedup');
  const keys = createKeyspace(prefix);
  const producerFor = (tenantId: string) => {
    const producer = createProducer({
      registry,
      tenantId,
      redis,
      keys,
      ...(options.limits ? { limits: options.limits } : {}),
    });
    cleanup.push(() => producer.close());
    return producer;
  };
  const producer = producerFor(options.tenant ?? 'acme');
  cleanup.push(() => deletePrefix(redisUrl, prefix));
  const enqueue = (name: Name, userId: string, note: string) =>
    producer.enqueue({ name, data: { userId, note } });
  const reader = new JobReader({
    registry,
    redis,
    keys,
    queue: (name) => producer.queue(name),
    cancellation: new Cancellation(redis, keys),
    ledger: producer.ledger,
  });
  return { keys, producer, producerFor, enqueue, reader };
}

/** The tenant's bookkeeping: its listing index and its open (quota) set. */
async function books(keys: Keyspace, tenant = 'acme') {
  const [index, open] = await Promise.all([
    redis.zrange(keys.index(QUEUES.default, tenant), '0', '-1'),
    redis.zrange(keys.open(QUEUES.default, tenant), '0', '-1'),
  ]);
  return { index: index.sort(), open: open.sort() };
}

async function stored(keys: Keyspace, id: string) {
  return (await redis.exists(keys.bull(QUEUES.default, id))) === 1;
}

describe('simple', () => {
  it('answers the unfinished job of the key, and stores nothing more', async () => {
    const { keys, enqueue } = setup();
    const first = await enqueue('dedupe.simple', 'u1', 'a');
    expect(first.deduplicated).toBeUndefined();
    const second = await enqueue('dedupe.simple', 'u1', 'b');
    expect(second).toEqual({
      id: first.id,
      name: 'dedupe.simple',
      queue: QUEUES.default,
      deduplicated: { outcome: 'joined', into: first.id },
      replayed: false,
    });
    const other = await enqueue('dedupe.simple', 'u2', 'c');
    expect(other.id).not.toBe(first.id);
    expect(await books(keys)).toEqual({
      index: [first.id, other.id].sort(),
      open: [first.id, other.id].sort(),
    });
  });

  it('adds a new job once the key’s job has finished', async () => {
    const { keys, enqueue } = setup();
    await startPool(keys, () => Promise.resolve());
    const first = await enqueue('dedupe.simple', 'u1', 'a');
    await waitFor(
      async () => (await stateOf(keys, first.id)) === 'completed' || undefined,
      30_000,
      'the first job to complete',
    );
    const again = await enqueue('dedupe.simple', 'u1', 'b');
    expect(again.deduplicated).toBeUndefined();
    expect(again.id).not.toBe(first.id);
  });
});

describe('throttle', () => {
  it('answers the first job for the ttl', async () => {
    const { keys, enqueue, reader } = setup();
    const first = await enqueue('dedupe.throttle', 'u1', 'a');
    for (const note of ['b', 'c']) {
      const next = await enqueue('dedupe.throttle', 'u1', note);
      expect(next.deduplicated).toEqual({ outcome: 'joined', into: first.id });
    }
    expect(await books(keys)).toEqual({ index: [first.id], open: [first.id] });
    const found = await reader.find(first.id, 'acme');
    expect(found && reader.view(found).deduplication).toEqual({
      mode: 'throttle',
      key: 'u1',
      absorbed: 2,
    });
  });

  it('adds a new job once the ttl is over', async () => {
    const { keys, enqueue } = setup();
    const first = await enqueue('dedupe.throttle-brief', 'u1', 'a');
    const deKey = keys.bull(QUEUES.default, 'de:acme:dedupe.throttle-brief:u1');
    expect(await redis.exists(deKey)).toBe(1);
    await waitFor(
      async () => (await redis.exists(deKey)) === 0 || undefined,
      30_000,
      'the throttle window to end',
    );
    const again = await enqueue('dedupe.throttle-brief', 'u1', 'b');
    expect(again.deduplicated).toBeUndefined();
    expect(again.id).not.toBe(first.id);
  });
});

describe('debounce', () => {
  it('replaces the waiting job: the last data wins, the delay starts again', async () => {
    const { keys, enqueue, producer, reader } = setup();
    const a = await enqueue('dedupe.debounce', 'u1', 'a');
    const b = await enqueue('dedupe.debounce', 'u1', 'b');
    expect(b.deduplicated).toEqual({
      outcome: 'replaced',
      into: b.id,
      replaced: a.id,
    });
    const c = await enqueue('dedupe.debounce', 'u1', 'c');
    expect(c.deduplicated).toEqual({
      outcome: 'replaced',
      into: c.id,
      replaced: b.id,
    });
    expect(await stored(keys, a.id)).toBe(false);
    expect(await stored(keys, b.id)).toBe(false);
    const job = await producer.queue(QUEUES.default).getJob(c.id);
    expect(decodeEnvelope(job?.data).payload).toEqual({
      userId: 'u1',
      note: 'c',
    });
    expect(await job?.getState()).toBe('delayed');
    expect(job?.delay).toBe(10 * 60_000);
    expect(await books(keys)).toEqual({ index: [c.id], open: [c.id] });
    const found = await reader.find(c.id, 'acme');
    expect(found && reader.view(found).deduplication).toEqual({
      mode: 'debounce',
      key: 'u1',
      absorbed: 2,
    });
  });
});

describe('keep-last-if-active', () => {
  it('keeps the last enqueue made while the job runs, and runs it once after', async () => {
    const { keys, enqueue } = setup();
    const seen: string[] = [];
    let release = () => undefined as void;
    const running = new Promise<void>((resolve) => (release = resolve));
    await startPool(keys, async ({ note }) => {
      seen.push(note);
      if (note === 'a') await running;
    });
    const a = await enqueue('dedupe.keep-last', 'u1', 'a');
    await waitFor(() => seen.includes('a') || undefined, 30_000, 'a to run');
    const b = await enqueue('dedupe.keep-last', 'u1', 'b');
    expect(b.deduplicated).toEqual({
      outcome: 'next',
      into: b.id,
      after: a.id,
    });
    const c = await enqueue('dedupe.keep-last', 'u1', 'c');
    expect(c.deduplicated).toEqual({
      outcome: 'next',
      into: c.id,
      after: a.id,
    });
    // b was overwritten by c before it existed: no bookkeeping for it.
    expect(await books(keys)).toEqual({
      index: [a.id, c.id].sort(),
      open: [a.id, c.id].sort(),
    });
    release();
    await waitFor(
      async () => (await stateOf(keys, c.id)) === 'completed' || undefined,
      30_000,
      'the kept enqueue to run',
    );
    expect(seen).toEqual(['a', 'c']);
    expect(await stored(keys, b.id)).toBe(false);
  });
});

describe('isolation and bookkeeping', () => {
  it('refuses an input whose key is empty or too long, storing nothing', async () => {
    const { keys, enqueue, producer } = setup();
    for (const note of ['', 'x'.repeat(201)]) {
      const error = await enqueue('dedupe.by-note', 'u1', note).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FlowKeyError);
    }
    expect(await books(keys)).toEqual({ index: [], open: [] });
    expect(await producer.queue(QUEUES.default).count()).toBe(0);
  });

  it('points an idempotency key at the job its enqueue joined', async () => {
    const { keys, producer, enqueue } = setup();
    const first = await enqueue('dedupe.simple', 'u1', 'a');
    const request = {
      name: 'dedupe.simple' as const,
      data: { userId: 'u1', note: 'b' },
      options: { idempotencyKey: 'k1' },
    };
    const joined = await producer.enqueue(request);
    expect(joined.deduplicated).toEqual({ outcome: 'joined', into: first.id });
    const retried = await producer.enqueue(request);
    expect(retried.id).toBe(first.id);
    expect(await books(keys)).toEqual({ index: [first.id], open: [first.id] });
  });

  it('never shares a key between tenants', async () => {
    const { keys, producerFor } = setup();
    const data = { userId: 'u1', note: 'x' };
    const acme = await producerFor('acme').enqueue({
      name: 'dedupe.simple',
      data,
    });
    const globex = await producerFor('globex').enqueue({
      name: 'dedupe.simple',
      data,
    });
    expect(globex.deduplicated).toBeUndefined();
    expect(globex.id).not.toBe(acme.id);
    expect((await books(keys, 'acme')).index).toEqual([acme.id]);
    expect((await books(keys, 'globex')).index).toEqual([globex.id]);
  });

  it('leaves a quota-limited tenant’s open set holding only stored jobs', async () => {
    const limits: TenantLimitPolicy = {
      defaults: {
        maxUnfinished: 3,
        ratePerSecond: null,
        burst: 1_000,
        maxSchedules: null,
      },
      unlimitedTenants: [],
    };
    const { keys, enqueue, producer } = setup({ limits });
    const first = await enqueue('dedupe.debounce', 'u1', 'a');
    // More enqueues than the quota allows jobs: each one replaces, none piles up.
    let last = first;
    for (let i = 0; i < 6; i += 1)
      last = await enqueue('dedupe.debounce', 'u1', `n${i}`);
    for (let i = 0; i < 6; i += 1)
      expect((await enqueue('dedupe.simple', 'u1', `s${i}`)).id).toBeDefined();
    const simple = await enqueue('dedupe.simple', 'u1', 'again');
    expect(simple.deduplicated?.outcome).toBe('joined');
    const books_ = await books(keys);
    expect(books_.open).toEqual([last.id, simple.id].sort());
    expect(books_.index).toEqual(books_.open);
    const [counts] = await producer.ledger.counts('acme');
    expect(counts?.open.sort()).toEqual([last.id, simple.id].sort());
  });
});

function startPool(
  keys: Keyspace,
  run: (input: { userId: string; note: string }) => Promise<void>,
): Promise<WorkerPool> {
  const processor = async (input: { userId: string; note: string }) => {
    await run(input);
    return { note: input.note };
  };
  const pool = createWorkerPool({
    registry,
    redis,
    keys,
    logger: pino({ level: 'silent' }),
    processors: {
      'dedupe.simple': processor,
      'dedupe.throttle': processor,
      'dedupe.throttle-brief': processor,
      'dedupe.debounce': processor,
      'dedupe.keep-last': processor,
      'dedupe.by-note': () => Promise.resolve(),
    },
  });
  cleanup.push(async () => {
    await pool.close();
  });
  return pool.ready().then(() => pool);
}

async function stateOf(keys: Keyspace, id: string): Promise<string> {
  const [completed, failed] = await Promise.all([
    redis.zscore(keys.bull(QUEUES.default, 'completed'), id),
    redis.zscore(keys.bull(QUEUES.default, 'failed'), id),
  ]);
  return completed !== null ? 'completed' : failed !== null ? 'failed' : 'open';
}
