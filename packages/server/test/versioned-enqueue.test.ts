import { isConveyorError } from '@conveyor/client';
import { DEFAULT_TENANT, toPayloadIssues } from '@conveyor/core';
import {
  NoticeV2,
  versionedV1Registry,
  versionedV2Registry,
} from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
  type Producer,
} from '@conveyor/queue';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startVersionedApi,
  versionedClient,
  type V2Client,
  type VersionedApi,
} from './support/versioned-api.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');

const refusal = async (call: Promise<unknown>) => {
  const error = await call.catch((e: unknown) => e);
  if (!isConveyorError(error)) throw new Error('expected an API error');
  return error.data;
};

/**
 * Enqueues of `notice.send` during a rolling deploy: a caller built against
 * v1 keeps working against a v2 API, what is stored is v2, and a retry with
 * the same idempotency key is the same job on either side of the upgrade.
 */
describe('enqueue of a versioned job', () => {
  const prefix = uniquePrefix('versioned-enqueue');
  const keys = createKeyspace(prefix);
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  let api: VersionedApi;
  let client: V2Client;
  let v1: Producer<typeof versionedV1Registry>;
  let v2: Producer<typeof versionedV2Registry>;

  beforeAll(async () => {
    api = await startVersionedApi(redisUrl, {
      registry: versionedV2Registry,
      prefix,
      adminToken,
    });
    client = versionedClient<V2Client>(api, adminToken);
    const common = { tenantId: DEFAULT_TENANT, redis, keys };
    v1 = createProducer({ ...common, registry: versionedV1Registry });
    v2 = createProducer({ ...common, registry: versionedV2Registry });
  }, 120_000);
  afterAll(async () => {
    await v1?.close();
    await v2?.close();
    await api?.close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });

  /** The envelope as Redis holds it. */
  const stored = async (id: string) =>
    JSON.parse(
      (await redis.hget(keys.bull('versioned', id), 'data')) ?? 'null',
    ) as { pv?: number; payload: { json: unknown } };
  /** What a caller built against v1 sends (v2's types do not allow it). */
  const v1Shaped = (data: { to: string; body: string }) => data as never;

  it('takes v1-shaped data and stores it as v2, marked pv 2', async () => {
    const { id } = await client.enqueue.mutate({
      name: 'notice.send',
      data: v1Shaped({ to: 'ana', body: 'hello' }),
    });
    const envelope = await stored(id);
    expect(envelope.pv).toBe(2);
    expect(envelope.payload.json).toEqual({
      to: 'ana',
      text: 'hello',
      locale: 'en',
    });
    expect((await client.jobs.get.query({ id })).payloadVersion).toEqual({
      stored: 2,
      current: 2,
    });
  });

  it('takes v1-shaped items in enqueueMany, and from the in-process producer', async () => {
    const { jobs } = await client.enqueueMany.mutate({
      jobs: [
        { name: 'notice.send', data: v1Shaped({ to: 'bo', body: 'one' }) },
        { name: 'notice.send', data: { to: 'bo', text: 'two' } },
      ],
    });
    const { id } = await v2.enqueue({
      name: 'notice.send',
      data: v1Shaped({ to: 'bo', body: 'three' }),
    });
    const texts = [];
    for (const job of [...jobs, { id }]) {
      const envelope = await stored(job.id);
      expect(envelope.pv).toBe(2);
      texts.push((envelope.payload.json as { text: string }).text);
    }
    expect(texts).toEqual(['one', 'two', 'three']);
  });

  it('refuses data that fits no version with the current schema issues, storing nothing', async () => {
    const data = { to: 'cy', nonsense: 1 };
    // Exactly what an API that knew only v2 would answer.
    const expected = toPayloadIssues(NoticeV2.safeParse(data).error!).map(
      (issue) => ({ ...issue, path: ['data', ...issue.path] }),
    );
    // The current schema's fields: `text` is missing, `nonsense` is foreign.
    expect(expected.map((issue) => issue.path.join('.'))).toEqual(
      expect.arrayContaining(['data.text', 'data']),
    );
    const before = await redis.zcard(keys.index('versioned', DEFAULT_TENANT));
    const error = await refusal(
      client.enqueue.mutate({ name: 'notice.send', data: data as never }),
    );
    expect(error?.code).toBe('BAD_REQUEST');
    expect(error?.issues).toEqual(expected);
    expect(await redis.zcard(keys.index('versioned', DEFAULT_TENANT))).toBe(
      before,
    );
  });

  it('a v2 producer replaying a v1 enqueue (upcast-equal data, same key) gets the same job', async () => {
    const key = randomUUID();
    const first = await v1.enqueue({
      name: 'notice.send',
      data: { to: 'di', body: 'once' },
      options: { idempotencyKey: key },
    });
    const replay = await v2.enqueue({
      name: 'notice.send',
      data: { to: 'di', text: 'once' },
      options: { idempotencyKey: key },
    });
    expect(replay.id).toBe(first.id);
    // The job stays as v1 wrote it: nothing was added.
    expect((await stored(first.id)).pv).toBeUndefined();
  });

  it('a v2 producer with other data under a v1 key is a conflict', async () => {
    const key = randomUUID();
    await v1.enqueue({
      name: 'notice.send',
      data: { to: 'ed', body: 'once' },
      options: { idempotencyKey: key },
    });
    const error = await v2
      .enqueue({
        name: 'notice.send',
        data: { to: 'ed', text: 'twice' },
        options: { idempotencyKey: key },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    // The same text in another locale is other data too.
    const other = await v2
      .enqueue({
        name: 'notice.send',
        data: { to: 'ed', text: 'once', locale: 'pt' },
        options: { idempotencyKey: key },
      })
      .catch((e: unknown) => e);
    expect(other).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  });

  it('through the v2 API, a v1-shaped replay of a v1 enqueue gets the same job; other data is a 422', async () => {
    const key = randomUUID();
    const first = await v1.enqueue({
      name: 'notice.send',
      data: { to: 'fa', body: 'api' },
      options: { idempotencyKey: key },
    });
    const replay = await client.enqueue.mutate({
      name: 'notice.send',
      data: v1Shaped({ to: 'fa', body: 'api' }),
      options: { idempotencyKey: key },
    });
    expect(replay.id).toBe(first.id);
    const asV2 = await client.enqueue.mutate({
      name: 'notice.send',
      data: { to: 'fa', text: 'api' },
      options: { idempotencyKey: key },
    });
    expect(asV2.id).toBe(first.id);
    const error = await refusal(
      client.enqueue.mutate({
        name: 'notice.send',
        data: v1Shaped({ to: 'fa', body: 'not the same' }),
        options: { idempotencyKey: key },
      }),
    );
    expect(error?.code).toBe('UNPROCESSABLE_CONTENT');
    expect(error?.reason).toBe('IDEMPOTENCY_CONFLICT');
  });
});
