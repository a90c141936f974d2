import { createConveyorClient, isConveyorError } from '@conveyor/client';
import { encodeEnvelope } from '@conveyor/core';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import { waitFor } from '@conveyor/testkit';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';
import type { FixtureClient, FixtureRouter } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');
const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

interface RawAnswer {
  status: number;
  replayedHeader: string | null;
  /** The job on success; the error's json on failure. */
  body: Record<string, unknown> & {
    data?: { code?: string; reason?: string; httpStatus?: number };
  };
}

/** draft-ietf-httpapi-idempotency-key-header's answers, over plain HTTP and through the typed client. */
describe('idempotency as the IETF draft specifies it', () => {
  let harness: Harness;
  let acmeToken: string;
  let globexToken: string;
  let acme: FixtureClient;
  const admin = createRedisClient(redisUrl, { preset: 'worker' });

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken });
    const token = async (tenantId: string) =>
      (
        await harness.client.tokens.create.mutate({
          tenantId,
          role: 'producer',
        })
      ).token;
    acmeToken = await token('acme');
    globexToken = await token('globex');
    acme = harness.clientWith(acmeToken);
  });
  afterAll(async () => {
    admin.disconnect();
    await harness.close();
  });

  /** tRPC's HTTP wire format, as any HTTP client speaks it. */
  async function post(
    input: unknown,
    options: {
      token?: string;
      headers?: Record<string, string>;
      path?: string;
    },
  ): Promise<RawAnswer> {
    const response = await fetch(
      `${harness.apiUrl}/trpc/${options.path ?? 'enqueue'}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${options.token ?? acmeToken}`,
          ...options.headers,
        },
        body: JSON.stringify(superjson.serialize(input)),
      },
    );
    const parsed = (await response.json()) as {
      result?: { data: { json: RawAnswer['body'] } };
      error?: { json: RawAnswer['body'] };
    } & { 0?: unknown };
    return {
      status: response.status,
      replayedHeader: response.headers.get('idempotent-replayed'),
      body: parsed.result?.data.json ?? parsed.error?.json ?? parsed,
    };
  }
  const job = (message: string, idempotencyKey?: string) => ({
    name: 'TEST_JOB',
    data: { message },
    options: {
      delay: 600_000,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    },
  });
  const jobsWith = async (client: FixtureClient, message: string) =>
    (await client.jobs.list.query({ limit: 100 })).items.filter(
      (j) => j.name === 'TEST_JOB' && j.data?.message === message,
    );

  it('first use 200; a replay 200 with Idempotent-Replayed: true and the same job; another payload 422, nothing enqueued', async () => {
    const key = randomUUID();
    const first = await post(job('charge 1', key), {});
    expect(first.status).toBe(200);
    expect(first.replayedHeader).toBeNull();
    expect(first.body).toMatchObject({ name: 'TEST_JOB', replayed: false });

    const replay = await post(job('charge 1', key), {});
    expect(replay.status).toBe(200);
    expect(replay.replayedHeader).toBe('true');
    expect(replay.body).toMatchObject({ id: first.body.id, replayed: true });

    const other = await post(job('charge 2', key), {});
    expect(other.status).toBe(422);
    expect(other.replayedHeader).toBeNull();
    expect(other.body.data).toMatchObject({
      code: 'UNPROCESSABLE_CONTENT',
      reason: 'IDEMPOTENCY_CONFLICT',
    });
    expect(other.body.message).toBe(
      'This idempotency key was already used for TEST_JOB with a different payload',
    );
    expect(await jobsWith(acme, 'charge 2')).toHaveLength(0);
    expect(await jobsWith(acme, 'charge 1')).toHaveLength(1);
  });

  it('the typed client reads replayed, and a 422 as an error with its reason', async () => {
    const key = randomUUID();
    const request = { ...job('typed', key), name: 'TEST_JOB' as const };
    const first = await acme.enqueue.mutate(request);
    const again = await acme.enqueue.mutate(request);
    expect(first.replayed).toBe(false);
    expect(again).toMatchObject({ id: first.id, replayed: true });
    const error = await acme.enqueue
      .mutate({ ...request, data: { message: 'typed, changed' } })
      .catch((e: unknown) => e);
    expect(isConveyorError(error) && error.data).toMatchObject({
      httpStatus: 422,
      reason: 'IDEMPOTENCY_CONFLICT',
    });
    expect(await jobsWith(acme, 'typed, changed')).toHaveLength(0);
  });

  it('takes the key as an Idempotency-Key header (sf-string or bare), the same key as the field', async () => {
    const key = `order-${randomUUID()}`;
    const viaHeader = await post(job('by header'), {
      headers: { 'idempotency-key': `"${key}"` },
    });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.replayed).toBe(false);
    // The field and a bare header name the same key.
    const viaField = await post(job('by header', key), {});
    expect(viaField).toMatchObject({
      status: 200,
      replayedHeader: 'true',
      body: { id: viaHeader.body.id, replayed: true },
    });
    const bare = await post(job('by header'), {
      headers: { 'idempotency-key': key },
    });
    expect(bare.body).toMatchObject({ id: viaHeader.body.id, replayed: true });
    // Both, agreeing: fine.
    const both = await post(job('by header', key), {
      headers: { 'idempotency-key': `"${key}"` },
    });
    expect(both.body).toMatchObject({ id: viaHeader.body.id, replayed: true });
    expect(await jobsWith(acme, 'by header')).toHaveLength(1);
  });

  it('refuses with 400 a header that disagrees with the field, a malformed one, or one on a batch, enqueuing nothing', async () => {
    const refusals = [
      await post(job('mismatch', 'field-key'), {
        headers: { 'idempotency-key': '"header-key"' },
      }),
      await post(job('mismatch'), {
        headers: { 'idempotency-key': '"a", "b"' },
      }),
      await post(job('mismatch'), { headers: { 'idempotency-key': '""' } }),
      await post(job('mismatch'), {
        headers: { 'idempotency-key': `"${'k'.repeat(257)}"` },
      }),
      await post(
        { 0: job('mismatch'), 1: job('mismatch, too') },
        {
          path: 'enqueue,enqueue?batch=1',
          headers: { 'idempotency-key': 'k' },
        },
      ),
      await post(
        { jobs: [{ name: 'TEST_JOB', data: { message: 'mismatch' } }] },
        { path: 'enqueueMany', headers: { 'idempotency-key': 'k' } },
      ),
    ];
    for (const answer of refusals) expect(answer.status).toBe(400);
    const [mismatch, , , , batch] = refusals;
    expect(mismatch?.body.data).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'INVALID_IDEMPOTENCY_KEY',
    });
    expect(mismatch?.body.message).toBe(
      'The Idempotency-Key header and options.idempotencyKey differ: send one key',
    );
    // A batch answers per call: both refused.
    expect(batch?.body).toHaveLength(2);
    expect(await jobsWith(acme, 'mismatch')).toHaveLength(0);
    expect(await jobsWith(acme, 'mismatch, too')).toHaveLength(0);
  });

  it('scopes keys per tenant: the same key in two tenants makes two jobs', async () => {
    const key = randomUUID();
    const [inAcme, inGlobex] = await Promise.all([
      post(job('tenant scoped', key), { token: acmeToken }),
      post(job('tenant scoped', key), { token: globexToken }),
    ]);
    expect(inAcme.body.replayed).toBe(false);
    expect(inGlobex.body.replayed).toBe(false);
    expect(inAcme.body.id).not.toBe(inGlobex.body.id);
    const globex = harness.clientWith(globexToken);
    expect(await jobsWith(acme, 'tenant scoped')).toHaveLength(1);
    expect(await jobsWith(globex, 'tenant scoped')).toHaveLength(1);
  });

  /** The claim a first request writes before its add: not stored yet, claimed at `claimedAt`. */
  async function claimInFlight(
    key: string,
    message: string,
    claimedAt: number,
    id: string = randomUUID(),
  ) {
    const hash = sha256(JSON.stringify(encodeEnvelope({ message }).payload));
    await admin.set(
      createKeyspace(harness.prefix).idempotency(
        'default',
        'acme',
        sha256(`TEST_JOB\n${key}`),
      ),
      `${id} ${hash} ${claimedAt}`,
      'PX',
      600_000,
    );
    return id;
  }

  it('answers 409 while the first use is in flight, changing nothing; the typed client retries, then reports it', async () => {
    const key = randomUUID();
    // Claimed "now" as far as the API can tell, for as long as the test runs.
    const claimed = await claimInFlight(key, 'in flight', Date.now() + 600_000);
    const answer = await post(job('in flight', key), {});
    expect(answer.status).toBe(409);
    expect(answer.body.data).toMatchObject({
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_IN_FLIGHT',
    });
    expect(answer.body.message).toBe(
      'An earlier request with this idempotency key for TEST_JOB is still being processed: retry shortly with the same key',
    );
    let sent = 0;
    const counting: typeof fetch = (url, init) => {
      sent += 1;
      return fetch(url, init);
    };
    const client = createConveyorClient<FixtureRouter>({
      url: `${harness.apiUrl}/trpc`,
      token: acmeToken,
      enqueueRetries: 2,
      fetch: counting,
    });
    const error = await client.enqueue
      .mutate({ ...job('in flight', key), name: 'TEST_JOB' })
      .catch((e: unknown) => e);
    expect(isConveyorError(error) && error.data?.reason).toBe(
      'IDEMPOTENCY_IN_FLIGHT',
    );
    expect(sent).toBe(3);
    expect(await jobsWith(acme, 'in flight')).toHaveLength(0);
    await expect(acme.jobs.get.query({ id: claimed })).rejects.toThrow();
  });

  it('the typed client waits out an in-flight first use: once its claim can be completed, the retry gets its job', async () => {
    const key = randomUUID();
    const claimed = await claimInFlight(key, 'waited', Date.now() + 600_000);
    let conflicts = 0;
    const counting: typeof fetch = async (url, init) => {
      const response = await fetch(url, init);
      if (response.status === 409) conflicts += 1;
      return response;
    };
    const client = createConveyorClient<FixtureRouter>({
      url: `${harness.apiUrl}/trpc`,
      token: acmeToken,
      fetch: counting,
    });
    const answer = client.enqueue.mutate({
      ...job('waited', key),
      name: 'TEST_JOB',
    });
    await waitFor(() => (conflicts > 0 ? true : undefined));
    // The first request died: its claim is past its deadline, so the next
    // call completes it under the claimed id.
    await claimInFlight(key, 'waited', 1, claimed);
    const job1 = await answer;
    expect(job1.id).toBe(claimed);
    expect(await jobsWith(acme, 'waited')).toHaveLength(1);
  });
});
