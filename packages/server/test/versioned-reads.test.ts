import { DEFAULT_TENANT, encodeEnvelope } from '@conveyor/core';
import { createKeyspace } from '@conveyor/queue';
import { uniquePrefix, waitFor } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startRollingDeploy,
  type RollingDeploy,
} from './support/rolling-deploy.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');
const adminToken = randomBytes(32).toString('base64url');

/**
 * A rolling deploy of `notice.send`: a v1 API and a v2 API over the same
 * queues. Every read shows a payload as the reading release's processor
 * would receive it, and which version it was stored with.
 */
describe('reads of a versioned job', () => {
  const prefix = uniquePrefix('versioned-reads');
  let deploy: RollingDeploy;
  let v1: RollingDeploy['v1'];
  let v2: RollingDeploy['v2'];

  beforeAll(async () => {
    deploy = await startRollingDeploy(
      { redisUrl, postgresUrl },
      prefix,
      adminToken,
    );
    ({ v1, v2 } = deploy);
  }, 120_000);
  const versionedQueue = () =>
    new Queue('versioned', {
      connection: { url: redisUrl },
      prefix: createKeyspace(prefix).bullPrefix('versioned'),
    });
  afterAll(async () => {
    await deploy?.close();
  });

  it('a v2 API shows a v1 job upcast, stored as version 1 of 2, in get and list', async () => {
    const { id } = await v1.client.enqueue.mutate({
      name: 'notice.send',
      data: { to: 'ana', body: 'hello' },
    });
    const upcast = { to: 'ana', text: 'hello', locale: 'en' };
    const job = await v2.client.jobs.get.query({ id });
    expect(job).toMatchObject({
      data: upcast,
      dataError: null,
      payloadVersion: { stored: 1, current: 2 },
    });
    const page = await v2.client.jobs.list.query({ name: 'notice.send' });
    expect(page.items.find((item) => item.id === id)).toMatchObject({
      data: upcast,
      payloadVersion: { stored: 1, current: 2 },
    });
    // The release that wrote it reads it as it always did.
    const own = await v1.client.jobs.get.query({ id });
    expect(own.data).toEqual({ to: 'ana', body: 'hello' });
    expect(own).not.toHaveProperty('payloadVersion');
  });

  it('a v1 API shows a v2 job as stored, with the newer version named', async () => {
    const { id } = await v2.client.enqueue.mutate({
      name: 'notice.send',
      data: { to: 'bo', text: 'hi', locale: 'pt' },
    });
    const job = await v1.client.jobs.get.query({ id });
    expect(job).toMatchObject({
      data: { to: 'bo', text: 'hi', locale: 'pt' },
      dataError: null,
      payloadVersion: { stored: 2, current: 1 },
    });
    expect((await v2.client.jobs.get.query({ id })).payloadVersion).toEqual({
      stored: 2,
      current: 2,
    });
  });

  it('a job that never changed its input shows no version, on either side', async () => {
    const { id } = await v1.client.enqueue.mutate({
      name: 'notice.ping',
      data: { n: 1 },
    });
    for (const api of [v1, v2]) {
      const job = await api.client.jobs.get.query({ id });
      expect(job.data).toEqual({ n: 1 });
      expect(job).not.toHaveProperty('payloadVersion');
    }
  });

  it('a stored v1 payload with no path to v2 shows null data and why, not an error', async () => {
    const queue = versionedQueue();
    // Written by hand: no v1 producer writes an empty `to`.
    const planted = await queue.add(
      'notice.send',
      encodeEnvelope({ to: '', body: 'x' }, { tenantId: DEFAULT_TENANT }),
      { jobId: randomUUID() },
    );
    await queue.close();
    const job = await v2.client.jobs.get.query({ id: planted.id ?? '' });
    expect(job.data).toBeNull();
    expect(job.dataError).toMatch(
      /notice\.send.*version 1 payload cannot be upcast to version 2/,
    );
    expect(job.payloadVersion).toEqual({ stored: 1, current: 2 });
  });

  it('history shows the recorded v1 payload upcast to a v2 reader', async () => {
    const { id } = await v1.client.enqueue.mutate({
      name: 'notice.send',
      data: { to: 'cy', body: 'archived' },
    });
    const found = await waitFor(
      async () => {
        const detail = await v2.client.history.get
          .query({ id })
          .catch(() => null);
        return detail ?? undefined;
      },
      15_000,
      `job ${id} in history`,
    );
    expect(found.job).toMatchObject({
      data: { to: 'cy', text: 'archived', locale: 'en' },
      payloadVersion: { stored: 1, current: 2 },
    });
    const own = await v1.client.history.get.query({ id });
    expect(own.job.data).toEqual({ to: 'cy', body: 'archived' });
    expect(own.job).not.toHaveProperty('payloadVersion');
    const page = await v2.client.history.list.query({ name: 'notice.send' });
    expect(page.items.find((item) => item.id === id)?.data).toEqual({
      to: 'cy',
      text: 'archived',
      locale: 'en',
    });
    // Once Redis no longer holds it, jobs.get answers from history alike.
    const queue = versionedQueue();
    await queue.remove(id);
    await queue.close();
    expect(await v2.client.jobs.get.query({ id })).toMatchObject({
      archived: true,
      data: { to: 'cy', text: 'archived', locale: 'en' },
      dataError: null,
      payloadVersion: { stored: 1, current: 2 },
    });
  });

  it('history shows a v2 payload recorded by a v2 API as version 2', async () => {
    const { id } = await v2.client.enqueue.mutate({
      name: 'notice.send',
      data: { to: 'ev', text: 'recorded' },
    });
    const found = await waitFor(
      async () =>
        (await v2.client.history.get.query({ id }).catch(() => null)) ??
        undefined,
      15_000,
      `job ${id} in history`,
    );
    expect(found.job).toMatchObject({
      data: { to: 'ev', text: 'recorded', locale: 'en' },
      payloadVersion: { stored: 2, current: 2 },
    });
    expect(found.job).not.toHaveProperty('dataError');
  });

  it('the dashboard shows the upcast payload and the version it was stored as', async () => {
    const { id } = await v1.client.enqueue.mutate({
      name: 'notice.send',
      data: { to: 'di', body: 'on the board' },
    });
    const login = await fetch(`${v2.apiUrl}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: adminToken }).toString(),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const response = await fetch(
      `${v2.apiUrl}/admin/api/queues/versioned/${id}`,
      { headers: { cookie } },
    );
    expect(response.status).toBe(200);
    const { job } = (await response.json()) as {
      job: { name: string; data: unknown };
    };
    expect(job.data).toEqual({ to: 'di', text: 'on the board', locale: 'en' });
    expect(job.name).toBe(
      `notice.send · ${DEFAULT_TENANT} · stored as version 1 of 2`,
    );
  });
});
