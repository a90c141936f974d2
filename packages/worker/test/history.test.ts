import {
  HistoryStore,
  openHistoryDatabase,
  type HistoryDatabaseHandle,
} from '@conveyor/history';
import { createKeyspace } from '@conveyor/queue';
import { createTestDatabase, waitFor } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { faultHarness } from './support/fault-harness.ts';

const redisUrl = inject('redisUrl');
const harness = faultHarness(redisUrl, 'history-daemon');
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let handle: HistoryDatabaseHandle;

beforeAll(async () => {
  database = await createTestDatabase(inject('postgresUrl'));
  handle = await openHistoryDatabase({
    connectionString: database.url,
    logger: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await harness.close();
  await handle.close();
  await database.drop();
});

it('the real daemon with DATABASE_URL records each attempt in PostgreSQL, and says history is on', async () => {
  const daemon = harness.start({
    DATABASE_URL: database.url,
    WORKER_CONCURRENCY: '5',
  });
  await harness.ready(daemon);
  await daemon.waitForLine(
    (l) => l.record?.msg === 'history on: attempts recorded in PostgreSQL',
    60_000,
  );
  const { id } = await harness.producer.enqueue({
    name: 'fault.sleepy',
    data: { firstMs: 2_000 }, // the first attempt times out, the second completes
  });
  const store = new HistoryStore(handle.db);
  const story = await waitFor(
    async () => {
      const found = await store.get(id, 'default');
      return found?.job.state === 'completed' ? found : undefined;
    },
    20_000,
    'the job’s story in PostgreSQL',
  );
  expect(story.job).toMatchObject({ name: 'fault.sleepy', queue: 'default' });
  expect(story.attempts.map((a) => [a.attempt, a.outcome])).toEqual([
    [1, 'retrying'],
    [2, 'completed'],
  ]);
  expect(story.attempts[0]?.error).toMatch(/timed out/i);
  // Another tenant's view of the same id: nothing.
  expect(await store.get(id, 'other')).toBeNull();
}, 120_000);

it('a job BullMQ fails for stalling too often is recorded failed, though no attempt reported it', async () => {
  const { id } = await harness.producer.enqueue({
    name: 'fault.slow',
    data: { ms: 0 },
    options: { delay: 1_500 },
  });
  // What BullMQ's stalled check writes on a job past maxStalledCount.
  const redis = new Redis(redisUrl);
  await redis.hset(
    createKeyspace(harness.prefix).bull('default', id),
    'defa',
    'job stalled more than allowable limit',
  );
  redis.disconnect();
  const store = new HistoryStore(handle.db);
  const story = await waitFor(
    async () => {
      const found = await store.get(id, 'default');
      return found?.job.state === 'failed' ? found : undefined;
    },
    15_000,
    'the stall-limit failure in PostgreSQL',
  );
  expect(story.job.lastError).toMatch(/stalled more than allowable limit/);
}, 120_000);

it('with HISTORY=off the daemon says so at start and records nothing', async () => {
  await Promise.all(harness.daemons.map((d) => d.stop()));
  const daemon = harness.start({ DATABASE_URL: database.url, HISTORY: 'off' });
  await harness.ready(daemon);
  expect(
    daemon.lines.some((l) =>
      String(l.record?.msg).startsWith('history off (HISTORY=off)'),
    ),
  ).toBe(true);
  const { id } = await harness.producer.enqueue({
    name: 'fault.slow',
    data: { ms: 0 },
  });
  await waitFor(
    async () =>
      (await harness.queue.getJobState(id)) === 'completed' || undefined,
    10_000,
    'the job to complete',
  );
  await new Promise((r) => setTimeout(r, 500));
  expect(await new HistoryStore(handle.db).get(id, 'default')).toBeNull();
  // Nothing went to the outbox either (no drainer could hide it).
  const redis = new Redis(redisUrl);
  const outboxEntries = await redis.xrange(
    createKeyspace(harness.prefix).historyStream(),
    '-',
    '+',
  );
  redis.disconnect();
  expect(
    outboxEntries.filter(([, fields]) => fields.join(' ').includes(id)),
  ).toEqual([]);
}, 120_000);
