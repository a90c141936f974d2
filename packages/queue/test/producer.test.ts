import { deletePrefix, getFreePort, uniquePrefix } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  decodeEnvelope,
  InvalidPayloadError,
  QueueUnavailableError,
  UnknownJobError,
  DEFAULT_TENANT,
} from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createKeyspace, createProducer, type Producer } from '../src/index.ts';

const redisUrl = inject('redisUrl');

describe('producer', () => {
  let prefix: string;
  let producer: Producer<typeof registry>;
  let redis: Redis;

  beforeEach(() => {
    prefix = uniquePrefix('producer');
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    producer = createProducer({
      registry,
      tenantId: DEFAULT_TENANT,
      redis,
      keys: createKeyspace(prefix),
    });
  });
  afterEach(async () => {
    await producer.close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });

  it('stores a versioned envelope with the job defaults on the job’s queue', async () => {
    const startDate = new Date('2026-11-01T00:00:00Z');
    const endDate = new Date('2026-11-08T00:00:00Z');
    const result = await producer.enqueue({
      name: 'email.digest',
      data: { userId: 'u1', period: 'weekly', startDate, endDate },
    });
    expect(result).toEqual({
      id: expect.any(String),
      name: 'email.digest',
      queue: 'email',
      replayed: false,
    });

    const job = await producer.queue('email').getJob(result.id);
    expect(job?.name).toBe('email.digest');
    expect(job?.opts.attempts).toBe(3);
    expect(job?.opts.backoff).toEqual({
      type: 'exponential',
      delay: 1_000,
      jitter: 0.5,
    });
    expect(job?.opts.removeOnComplete).toEqual({ count: 1_000, age: 86_400 });
    const { payload } = decodeEnvelope(job?.data);
    expect(payload).toEqual({
      userId: 'u1',
      period: 'weekly',
      startDate,
      endDate,
    });
    expect((payload as { startDate: unknown }).startDate).toBeInstanceOf(Date);
  });

  it('rejects an invalid payload with its issues and enqueues nothing', async () => {
    const error: unknown = await producer
      .enqueue({ name: 'sms.send', data: { to: 'not-a-phone', message: '' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect((error as InvalidPayloadError).issues.map((i) => i.path)).toEqual([
      ['data', 'to'],
      ['data', 'message'],
    ]);
    expect(await producer.queue('sms').count()).toBe(0);
  });

  it('rejects an unknown job name', async () => {
    const request = { name: 'nope', data: {} } as unknown as Parameters<
      typeof producer.enqueue
    >[0];
    await expect(producer.enqueue(request)).rejects.toBeInstanceOf(
      UnknownJobError,
    );
  });

  it('fails fast with QueueUnavailableError when Redis is not there', async () => {
    const port = await getFreePort(); // nothing listens here
    const offlineRedis = new Redis(`redis://127.0.0.1:${port}`, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 200,
    });
    offlineRedis.on('error', () => undefined);
    const offline = createProducer({
      registry,
      tenantId: DEFAULT_TENANT,
      redis: offlineRedis,
      keys: createKeyspace(prefix),
      timeoutMs: 500,
    });
    await expect(
      offline.enqueue({ name: 'TEST_JOB', data: { message: 'x' } }),
    ).rejects.toBeInstanceOf(QueueUnavailableError);
    await offline.close();
    offlineRedis.disconnect();
  });
});
