import { defineJob, defineRegistry, QUEUES, registry } from '@conveyor/jobs';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { pino } from 'pino';
import {
  afterAll,
  afterEach,
  beforeEach,
  describe,
  expect,
  inject,
  it,
} from 'vitest';
import { z } from 'zod';
import {
  Cancellation,
  createKeyspace,
  createProducer,
  createRedisClient,
  createWorkerPool,
  JobReader,
  type Producer,
  type WorkerPool,
} from '../src/index.ts';

const redisUrl = inject('redisUrl');

/**
 * `overwrite` is the one value-changing step the schema rules cannot see
 * (trim is one): it shows how many times a payload went through its schema.
 */
let parses = 0;
const bump = defineJob({
  name: 'bump',
  queue: QUEUES.default,
  input: z.strictObject({
    n: z
      .number()
      .refine(() => (parses += 1) > 0)
      .overwrite((n) => n + 1),
  }),
  result: z.strictObject({ received: z.number() }),
});
const bumpRegistry = defineRegistry([bump]);

describe('validation happens once per hop; transforms run once', () => {
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  let keys: ReturnType<typeof createKeyspace>;
  let producer: Producer<typeof bumpRegistry>;
  let pool: WorkerPool | undefined;
  const received: number[] = [];
  afterAll(() => redis.disconnect());

  beforeEach(() => {
    keys = createKeyspace(uniquePrefix('once'));
    producer = createProducer({ registry: bumpRegistry, redis, keys });
    parses = 0;
    received.length = 0;
  });
  afterEach(async () => {
    await pool?.close();
    await producer.close();
    await deletePrefix(redisUrl, keys.prefix);
  });

  const reader = () =>
    new JobReader({
      registry: bumpRegistry,
      redis,
      keys,
      queue: (name) => producer.queue(name),
      cancellation: new Cancellation(redis, keys),
    });

  async function runToCompletion(id: string) {
    pool = createWorkerPool({
      registry: bumpRegistry,
      redis,
      keys,
      logger: pino({ level: 'silent' }),
      processors: {
        bump: ({ n }) => {
          received.push(n);
          return Promise.resolve({ received: n });
        },
      },
    });
    return waitFor(async () => {
      const found = await reader().find(id);
      const view = found && reader().view(found);
      return view?.state === 'completed' ? view : undefined;
    });
  }

  it('the public producer parses once; the processor gets the stored value, which jobs.get shows', async () => {
    const { id } = await producer.enqueue({ name: 'bump', data: { n: 1 } });
    expect(parses).toBe(1);
    const job = await runToCompletion(id);
    // Stored once transformed (2); the worker's check of stored data parses
    // again (3 would be its output) but hands the processor the stored 2.
    expect(received).toEqual([2]);
    expect(job.data).toEqual({ n: 2 });
    expect(job.result).toEqual({ received: 2 });
    expect(parses).toBe(2); // enqueue + the worker's check, nothing else
  });

  it('a request the API already parsed is not parsed again', async () => {
    const parsed = bumpRegistry.enqueueRequest.parse({
      name: 'bump',
      data: { n: 10 },
    });
    expect(parses).toBe(1);
    const { id } = await producer.enqueueParsed(parsed);
    expect(parses).toBe(1);
    const job = await runToCompletion(id);
    expect(received).toEqual([11]);
    expect(job.data).toEqual({ n: 11 });
  });
});

describe('a foreign property', () => {
  it('is refused by the public producer, with the issue the API gives', async () => {
    const redis = createRedisClient(redisUrl, { preset: 'producer' });
    const producer = createProducer({ registry, redis });
    const error = await producer
      .enqueue({
        name: 'TEST_JOB',
        data: { message: 'x', extra: 1 } as { message: string },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'INVALID_PAYLOAD',
      issues: [
        {
          path: ['data'],
          code: 'unrecognized_keys',
          message: 'Unrecognized key: "extra"',
        },
      ],
    });
    await producer.close();
    redis.disconnect();
  });
});
