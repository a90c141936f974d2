import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';
import { postJson, rawRequest, scanKeys } from './support/raw-http.ts';

const redisUrl = inject('redisUrl');

/** Ids that name BullMQ's or Conveyor's own keys under `{prefix}:{queue}:`. */
const KEY_NAMES = [
  'meta',
  'events',
  'id',
  'completed',
  'failed',
  'wait',
  'active',
  'delayed',
  'paused',
  'prioritized',
  'stalled-check',
  'stalled',
  'marker',
  'limiter',
  'cv:index',
  'meta:logs',
];

const codeOf = (json: unknown): unknown =>
  (json as { error?: { json?: { data?: { code?: unknown } } } }).error?.json
    ?.data?.code;

describe('job ids that name the queue’s own keys', () => {
  let harness: Harness;
  let metaKeys: string[];
  let redis: Redis;

  beforeAll(async () => {
    harness = await startHarness(redisUrl);
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    // One job per queue, so every queue has its meta hash and event stream.
    await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'x' },
    });
    await harness.client.enqueue.mutate({
      name: 'sms.send',
      data: { to: '+14155550123', message: 'x' },
    });
    metaKeys = (await scanKeys(redisUrl, `${harness.prefix}:*`)).filter((k) =>
      k.endsWith(':meta'),
    );
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  const input = (id: string) => JSON.stringify({ json: { id } });

  it('get answers NOT_FOUND', async () => {
    for (const id of KEY_NAMES) {
      const res = await rawRequest(
        `${harness.apiUrl}/trpc/jobs.get?input=${encodeURIComponent(input(id))}`,
      );
      expect([id, res.status, codeOf(res.json)]).toEqual([
        id,
        404,
        'NOT_FOUND',
      ]);
    }
  });

  it('cancel, retry, promote and redrive answer NOT_FOUND and delete nothing', async () => {
    const keysBefore = (await scanKeys(redisUrl, `${harness.prefix}:*`)).sort();
    for (const path of [
      'jobs.cancel',
      'jobs.retry',
      'jobs.promote',
      'deadLetters.redrive',
    ])
      for (const id of KEY_NAMES) {
        const res = await postJson(harness.apiUrl, path, input(id));
        expect([path, id, res.status, codeOf(res.json)]).toEqual([
          path,
          id,
          404,
          'NOT_FOUND',
        ]);
      }
    expect(metaKeys.length).toBeGreaterThanOrEqual(2);
    for (const key of metaKeys) expect(await redis.exists(key), key).toBe(1);
    const keysAfter = (await scanKeys(redisUrl, `${harness.prefix}:*`)).sort();
    for (const key of keysBefore.filter((k) => !k.includes(':cv:')))
      expect(keysAfter, key).toContain(key);
  });

  it('watch answers NOT_FOUND on its stream', async () => {
    for (const id of ['meta', 'events', 'id', 'stalled-check']) {
      const res = await fetch(
        `${harness.apiUrl}/trpc/jobs.watch?input=${encodeURIComponent(input(id))}`,
        { signal: AbortSignal.timeout(5_000) },
      );
      const text = await res.text();
      // SSE: the error is an event in a 200 stream; never a 500.
      expect(res.status, id).toBeLessThan(500);
      expect(text, id).toMatch(/NOT_FOUND/);
      expect(text, id).not.toMatch(/INTERNAL_SERVER_ERROR/);
    }
  });
});
