import { isConveyorError } from '@conveyor/client';
import { encodeEnvelope, DEFAULT_TENANT } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
} from '@conveyor/queue';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_PRINCIPAL } from '../src/auth/principal.ts';
import { createInProcessClient } from '../src/in-process-client.ts';
import { startHarness, type Harness } from './support/harness.ts';
import type { FixtureClient } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');

/** The same refusal, whichever door a request comes through. */
describe('the contract at every entry point', () => {
  let harness: Harness;
  let inProcess: FixtureClient;
  // Blocking preset: commands wait for the connection instead of failing before it is up.
  const redis = createRedisClient(redisUrl, { preset: 'worker' });

  beforeAll(async () => {
    harness = await startHarness(redisUrl);
    inProcess = createInProcessClient(
      { services: harness.services, logger: pino({ level: 'silent' }) },
      LOCAL_PRINCIPAL,
    );
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  const refusal = async (call: Promise<unknown>) => {
    const error = await call.catch((e: unknown) => e);
    if (!isConveyorError(error)) throw new Error('expected an API error');
    return { code: error.data?.code, issues: error.data?.issues };
  };
  const foreign = { message: 'x', extra: 1 } as { message: string };

  it('a foreign property in a payload is refused alike over HTTP, in-process and by the producer, and nothing is stored', async () => {
    const expected = {
      code: 'BAD_REQUEST',
      issues: [
        {
          path: ['data'],
          code: 'unrecognized_keys',
          message: 'Unrecognized key: "extra"',
        },
      ],
    };
    for (const client of [harness.client, inProcess]) {
      expect(
        await refusal(
          client.enqueue.mutate({ name: 'TEST_JOB', data: foreign }),
        ),
      ).toEqual(expected);
    }
    const producer = createProducer({
      registry,
      tenantId: DEFAULT_TENANT,
      redis,
      keys: createKeyspace(harness.prefix),
    });
    const error = await producer
      .enqueue({ name: 'TEST_JOB', data: foreign })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'INVALID_PAYLOAD',
      issues: expected.issues,
    });
    await producer.close();
    expect(
      (await harness.services.jobs.stats(DEFAULT_TENANT)).default.waiting,
    ).toBe(0);
  });

  it('a read filter naming no job is a 400 that lists the known names', async () => {
    const { code, issues } = await refusal(
      harness.client.jobs.list.query({
        name: 'sms.sned' as 'sms.send',
      }),
    );
    expect(code).toBe('BAD_REQUEST');
    expect(issues?.[0]?.message).toBe(
      'Unknown job name; expected one of: TEST_JOB, sms.send, email.digest, feed.sync, content.generate',
    );
  });

  it('a job whose stored data is not a Conveyor envelope reads as such: data null, dataError set', async () => {
    const queue = new Queue('default', {
      connection: { url: redisUrl },
      prefix: createKeyspace(harness.prefix).bullPrefix('default'),
    });
    const planted = await queue.add(
      'TEST_JOB',
      { message: 'not an envelope' },
      { jobId: randomUUID() },
    );
    const readable = await queue.add(
      'TEST_JOB',
      encodeEnvelope({ message: 'fine' }),
      { jobId: randomUUID() },
    );
    await queue.close();
    const job = await harness.client.jobs.get.query({ id: planted.id ?? '' });
    expect(job).toMatchObject({
      name: 'TEST_JOB',
      state: 'waiting',
      data: null,
    });
    expect(job.dataError).toMatch(/envelope/);
    const ok = await harness.client.jobs.get.query({ id: readable.id ?? '' });
    expect(ok).toMatchObject({ data: { message: 'fine' }, dataError: null });
  });

  it('a job under a name this contract does not know is not shown, and its listing entry is kept for readers that know it', async () => {
    const keys = createKeyspace(harness.prefix);
    const queue = new Queue('default', {
      connection: { url: redisUrl },
      prefix: createKeyspace(harness.prefix).bullPrefix('default'),
    });
    const future = await queue.add(
      'FUTURE_JOB',
      encodeEnvelope({ from: 'a newer producer' }),
      { jobId: randomUUID() },
    );
    await queue.close();
    await redis.zadd(
      keys.index('default', DEFAULT_TENANT),
      Date.now() * 1_000,
      future.id ?? '',
    );
    const page = await harness.client.jobs.list.query({ limit: 100 });
    expect(page.items.map((j) => j.id)).not.toContain(future.id);
    expect(
      await redis.zscore(
        keys.index('default', DEFAULT_TENANT),
        future.id ?? '',
      ),
    ).not.toBeNull();
    const error = await harness.client.jobs.get
      .query({ id: future.id ?? '' })
      .catch((e: unknown) => e);
    expect(isConveyorError(error) && error.data?.code).toBe('NOT_FOUND');
  });

  it('open (no admin token), it serves only requests addressed to this machine: a rebound DNS name gets a 401', async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          `${harness.apiUrl}/trpc/queues.stats`,
          { headers: { host } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    const port = new URL(harness.apiUrl).port;
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
    expect(await status(`localhost:${port}`)).toBe(200);
    expect(await status(`attacker.example:${port}`)).toBe(401);
  });
});
