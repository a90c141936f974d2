import {
  defineJob,
  defineRegistry,
  type WebhookEventBody,
} from '@conveyor/core';
import { QUEUES } from '@conveyor/fixtures';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  inject,
  it,
  vi,
} from 'vitest';
import { z } from 'zod';
import {
  createDeliveryWorker,
  createWebhookDispatcher,
  DeliveryLog,
  WEBHOOK_QUEUE,
  WebhookStore,
  type DeliveryWorker,
  type WebhookDispatcher,
} from '../src/index.ts';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
  createWorkerPool,
  type LifecycleEvent,
  type WorkerPool,
} from '@conveyor/queue';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from './support/webhook-receiver.ts';

const redisUrl = inject('redisUrl');
const silent = pino({ level: 'silent' });

const step = defineJob({
  name: 'step',
  queue: QUEUES.default,
  input: z.strictObject({ fail: z.boolean() }),
  result: z.strictObject({ ok: z.boolean() }),
  defaults: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
});
const other = defineJob({
  name: 'other',
  queue: QUEUES.default,
  input: z.strictObject({}),
  result: z.strictObject({ ok: z.boolean() }),
});
const testRegistry = defineRegistry([step, other]);

describe('webhooks from the worker (real Redis, real HTTP)', () => {
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  const keys = createKeyspace(uniquePrefix('webhooks'));
  const store = new WebhookStore(redis, keys);
  const log = new DeliveryLog(redis, keys);
  const producers = new Map<string, ReturnType<typeof producerFor>>();
  const producerFor = (tenantId: string) =>
    createProducer({ registry: testRegistry, redis, keys, tenantId });
  const enqueue = (tenant: string, fail = false) => {
    let producer = producers.get(tenant);
    if (!producer) producers.set(tenant, (producer = producerFor(tenant)));
    return producer.enqueue({ name: 'step', data: { fail } });
  };
  let receiver: WebhookReceiver;
  let dispatcher: WebhookDispatcher | undefined;
  let deliveries: DeliveryWorker | undefined;
  let pool: WorkerPool | undefined;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await pool?.close();
    await dispatcher?.close();
    await deliveries?.close();
    pool = dispatcher = deliveries = undefined;
    receiver.received.length = 0;
    receiver.reply(() => ({ status: 200 }));
  });
  afterAll(async () => {
    await receiver.close();
    for (const producer of producers.values()) await producer.close();
    await deletePrefix(redisUrl, keys.prefix);
    redis.disconnect();
  });

  async function start(
    options: {
      listen?: boolean;
      processMs?: number;
      allowPrivate?: boolean;
    } = {},
  ) {
    dispatcher = createWebhookDispatcher({
      redis,
      keys,
      logger: silent,
      refreshMs: 100,
      retry: { attempts: 3, backoffMs: 50 },
    });
    deliveries = createDeliveryWorker({
      redis,
      keys,
      logger: silent,
      allowPrivate: options.allowPrivate ?? true,
      timeoutMs: 10_000,
    });
    await deliveries.ready();
    pool = createWorkerPool({
      registry: testRegistry,
      redis,
      keys,
      logger: silent,
      concurrency: 20,
      ...(options.listen === false ? {} : { observers: [dispatcher.observer] }),
      processors: {
        step: async ({ fail }) => {
          if (options.processMs)
            await new Promise((r) => setTimeout(r, options.processMs));
          if (fail) throw new Error('planned failure');
          return { ok: true };
        },
        other: () => Promise.resolve({ ok: true }),
      },
    });
    await pool.ready();
  }

  const bodies = () =>
    receiver.received.map((r) => JSON.parse(r.body) as WebhookEventBody);

  it('a completed job arrives signed, with the documented headers and body', async () => {
    const hook = await store.create('acme', {
      url: receiver.url,
      events: ['job.completed'],
    });
    await start();
    const job = await enqueue('acme');
    const [delivery] = await waitFor(
      () => (receiver.received.length > 0 ? receiver.received : undefined),
      10_000,
      'a delivery',
    );
    expect(delivery?.headers['conveyor-event']).toBe('job.completed');
    expect(delivery?.headers['conveyor-delivery']).toMatch(
      /^dlv_[0-9a-f]{32}$/,
    );
    expect(delivery?.headers['content-type']).toBe('application/json');
    // t=<seconds>,v1=<hex HMAC-SHA256(secret, "t.body")> (the client's verifier has its own tests).
    const [, t, mac] =
      /^t=(\d+),v1=([0-9a-f]{64})$/.exec(
        String(delivery?.headers['conveyor-signature']),
      ) ?? [];
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(30);
    expect(mac).toBe(
      createHmac('sha256', hook.secret)
        .update(`${t}.${delivery?.body}`)
        .digest('hex'),
    );
    expect(bodies()[0]).toMatchObject({
      id: `${job.id}:0:1:job.completed`,
      type: 'job.completed',
      tenantId: 'acme',
      data: { jobId: job.id, name: 'step', queue: 'default', attempt: 1 },
    });
    // No payload or result travels.
    expect(delivery?.body).not.toContain('"fail"');
    const logged = await waitFor(async () => {
      const [entry] = await log.list('acme', { limit: 10 });
      return entry?.status === 'delivered' ? entry : undefined;
    });
    expect(logged).toMatchObject({
      webhookId: hook.id,
      attempts: 1,
      responseStatus: 200,
      lastError: null,
    });
    await store.remove('acme', hook.id);
  });

  it('is retried with backoff while the receiver answers 500, under one delivery id', async () => {
    const hook = await store.create('retry-co', {
      url: receiver.url,
      events: ['job.completed'],
    });
    let calls = 0;
    receiver.reply(() => ({ status: ++calls <= 2 ? 500 : 204 }));
    await start();
    await enqueue('retry-co');
    const entry = await waitFor(async () => {
      const [found] = await log.list('retry-co', { limit: 10 });
      return found?.status === 'delivered' ? found : undefined;
    });
    expect(entry).toMatchObject({ attempts: 3, responseStatus: 204 });
    expect(receiver.received).toHaveLength(3);
    const ids = new Set(
      receiver.received.map((r) => r.headers['conveyor-delivery']),
    );
    expect(ids.size).toBe(1);
    await store.remove('retry-co', hook.id);
  });

  it('a receiver that never succeeds leaves a failed delivery with its last error', async () => {
    const hook = await store.create('down-co', {
      url: receiver.url,
      events: ['job.completed'],
    });
    receiver.reply(() => ({ status: 503 }));
    await start();
    await enqueue('down-co');
    const entry = await waitFor(async () => {
      const [found] = await log.list('down-co', {
        status: 'failed',
        limit: 10,
      });
      return found;
    });
    expect(entry).toMatchObject({
      attempts: 3,
      maxAttempts: 3,
      lastError: 'HTTP 503',
      responseStatus: 503,
    });
    await store.remove('down-co', hook.id);
  });

  it('sends job.failed and job.dead-lettered after the last attempt only, filtered by job name', async () => {
    const hook = await store.create('fail-co', {
      url: receiver.url,
      events: ['job.failed', 'job.dead-lettered'],
      jobs: ['step'],
    });
    const unrelated = await store.create('fail-co', {
      url: `${receiver.url}?other`,
      events: ['job.failed'],
      jobs: ['other'],
    });
    await start();
    const job = await enqueue('fail-co', true);
    await waitFor(() => (receiver.received.length >= 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(
      bodies()
        .map((b) => b.type)
        .sort(),
    ).toEqual(['job.dead-lettered', 'job.failed']);
    expect(bodies()[0]?.data).toMatchObject({
      jobId: job.id,
      attempt: 2,
      attempts: 2,
      error: 'planned failure',
    });
    expect(receiver.received.every((r) => !r.body.includes('?other'))).toBe(
      true,
    );
    await store.remove('fail-co', hook.id);
    await store.remove('fail-co', unrelated.id);
  });

  it('a delivery to a private address is refused at send time, once, without connecting', async () => {
    // Stored directly: creation's own check would refuse it (tested in the API).
    const hook = await store.create('ssrf-co', {
      url: receiver.url.replace('127.0.0.1', 'localhost'),
      events: ['job.completed'],
    });
    await start({ allowPrivate: false });
    await enqueue('ssrf-co');
    const entry = await waitFor(async () => {
      const [found] = await log.list('ssrf-co', { status: 'failed', limit: 1 });
      return found;
    });
    expect(entry.attempts).toBe(1);
    expect(entry.lastError).toContain('does not resolve to a public address');
    expect(receiver.received).toEqual([]);
    await store.remove('ssrf-co', hook.id);
  });

  it('the dispatcher costs no Redis call without a matching webhook, one write with one, and never enqueues an event twice', async () => {
    const own = createRedisClient(redisUrl, { preset: 'worker' });
    const d = createWebhookDispatcher({ redis: own, keys, logger: silent });
    const queue = new Queue(WEBHOOK_QUEUE, {
      connection: own,
      prefix: keys.bullPrefix(WEBHOOK_QUEUE),
    });
    try {
      await store.create('quiet-co', {
        url: receiver.url,
        events: ['job.failed'],
      });
      const event = (
        type: LifecycleEvent['type'],
        jobId: string,
      ): LifecycleEvent => ({
        type,
        id: `${jobId}:1:${type}`,
        at: Date.now(),
        tenantId: 'quiet-co',
        queue: 'default',
        jobId,
        name: 'step',
        run: 0,
        attempt: 1,
        attempts: 1,
      });
      // First sight of the tenant reads its webhooks; the first add connects.
      await d.observer.onEvent?.(event('job.failed', 'warm'));
      await queue.waitUntilReady();
      const sent = vi.spyOn(own, 'sendCommand');
      await d.observer.onEvent?.(event('job.completed', 'j1')); // not subscribed
      await d.observer.onEvent?.(event('job.retrying', 'j1')); // never a webhook event
      expect(sent).not.toHaveBeenCalled();
      await d.observer.onEvent?.(event('job.failed', 'j2'));
      const names = sent.mock.calls.map(([command]) => command.name);
      // One webhook matches: exactly one command, BullMQ's add script.
      expect(names).toEqual(['evalsha']);
      await d.observer.onEvent?.(event('job.failed', 'j2')); // replayed after a crash
      expect(
        await queue.getJobCountByTypes('waiting', 'delayed', 'active'),
      ).toBe(2);
      sent.mockRestore();
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await d.close();
      own.disconnect();
    }
  });

  it('a receiver that takes 8 s never delays jobs', async () => {
    const hook = await store.create('slow-co', {
      url: receiver.url,
      events: ['job.completed'],
    });
    receiver.reply(() => ({ status: 200, delayMs: 8_000 }));
    await start();
    const jobs = await Promise.all(
      Array.from({ length: 30 }, () => enqueue('slow-co')),
    );
    const queue = producers.get('slow-co')?.queue('default');
    if (!queue) throw new Error('no producer for slow-co');
    await waitFor(async () => {
      const states = await Promise.all(
        jobs.map((j) => queue.getJobState(j.id)),
      );
      return states.every((s) => s === 'completed') ? true : undefined;
    }, 60_000);
    // Every job finished while the receiver still held its first request:
    // compared with the receiver's own clock, not a speed.
    expect(receiver.received.length).toBeGreaterThan(0);
    expect(receiver.received.every((r) => r.answeredAt === undefined)).toBe(
      true,
    );
    await store.remove('slow-co', hook.id);
  });
});
