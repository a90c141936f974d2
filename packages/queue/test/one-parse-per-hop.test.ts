import {
  defineJob,
  defineRegistry,
  encodeEnvelope,
  DEFAULT_TENANT,
} from '@conveyor/core';
import { QUEUES, fixtureRegistry as registry } from '@conveyor/fixtures';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
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

/** Counts how many times a payload goes through its schema. */
let parses = 0;
const note = defineJob({
  name: 'note',
  queue: QUEUES.default,
  input: z.strictObject({
    text: z
      .string()
      .trim()
      .refine(() => (parses += 1) > 0),
    tries: z.number().int().default(1),
  }),
  result: z.strictObject({ received: z.string() }),
});
const noteRegistry = defineRegistry([note]);

describe('validation happens once per hop; transforms run once', () => {
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  let keys: ReturnType<typeof createKeyspace>;
  let producer: Producer<typeof noteRegistry>;
  let pool: WorkerPool | undefined;
  const received: unknown[] = [];
  afterAll(() => redis.disconnect());

  beforeEach(() => {
    keys = createKeyspace(uniquePrefix('once'));
    producer = createProducer({
      registry: noteRegistry,
      redis,
      keys,
      tenantId: DEFAULT_TENANT,
    });
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
      registry: noteRegistry,
      redis,
      keys,
      queue: (name) => producer.queue(name),
      cancellation: new Cancellation(redis, keys),
      ledger: producer.ledger,
    });

  async function runToCompletion(id: string) {
    pool = createWorkerPool({
      registry: noteRegistry,
      redis,
      keys,
      logger: pino({ level: 'silent' }),
      processors: {
        note: (payload) => {
          received.push(payload);
          return Promise.resolve({ received: payload.text });
        },
      },
    });
    return waitFor(async () => {
      const found = await reader().find(id, DEFAULT_TENANT);
      const view = found && reader().view(found);
      return view?.state === 'completed' ? view : undefined;
    });
  }

  it('the public producer parses once, the worker checks once; the processor gets what jobs.get shows', async () => {
    const { id } = await producer.enqueue({
      name: 'note',
      data: { text: '  hi  ' },
    });
    expect(parses).toBe(1);
    const job = await runToCompletion(id);
    expect(received).toEqual([{ text: 'hi', tries: 1 }]);
    expect(job.data).toEqual({ text: 'hi', tries: 1 });
    expect(job.result).toEqual({ received: 'hi' });
    expect(parses).toBe(2); // enqueue + the worker's check, nothing else
  });

  it('a request the API already parsed is not parsed again by the producer', async () => {
    const parsed = noteRegistry.enqueueRequest.parse({
      name: 'note',
      data: { text: ' parsed ', tries: 2 },
    });
    expect(parses).toBe(1);
    const { id } = await producer.enqueueParsed(parsed, DEFAULT_TENANT);
    expect(parses).toBe(1);
    const job = await runToCompletion(id);
    expect(received).toEqual([{ text: 'parsed', tries: 2 }]);
    expect(job.data).toEqual({ text: 'parsed', tries: 2 });
  });

  it('a job stored before a field was added gets the field’s default, as its type says', async () => {
    const queue = new Queue('default', {
      connection: redis,
      prefix: keys.bullPrefix('default'),
    });
    const old = await queue.add('note', encodeEnvelope({ text: 'old' }), {
      jobId: randomUUID(),
    });
    await queue.close();
    const job = await runToCompletion(old.id ?? '');
    expect(received).toEqual([{ text: 'old', tries: 1 }]);
    // The stored value is shown as stored.
    expect(job.data).toEqual({ text: 'old' });
  });
});
describe('a foreign property', () => {
  it('is refused by the public producer, with the issue the API gives', async () => {
    const redis = createRedisClient(redisUrl, { preset: 'producer' });
    const producer = createProducer({
      registry,
      redis,
      tenantId: DEFAULT_TENANT,
    });
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
