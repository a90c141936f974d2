import { DEFAULT_TENANT } from '@conveyor/core';
import { waitFor } from '@conveyor/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Dashboard } from '../src/dashboard/create-dashboard.ts';
import { startHarness, type Harness } from './support/harness.ts';
import {
  DASHBOARD_ADMIN_TOKEN,
  serveDashboard,
} from './support/serve-dashboard.ts';

const redisUrl = inject('redisUrl');
const ADMIN_TOKEN = DASHBOARD_ADMIN_TOKEN;

describe('the dashboard over fetch, with no workers', () => {
  let harness: Harness;
  let dashboard: Dashboard;
  let api: { apiUrl: string; close(): Promise<void> };

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken: ADMIN_TOKEN });
    ({ dashboard, api } = await serveDashboard(harness, {
      sessionRecheckMs: 300,
    }));
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await dashboard?.close();
    await harness?.close();
  });

  async function signIn(token: string): Promise<string> {
    const response = await fetch(`${api.apiUrl}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }
  const caller =
    (cookie: string) => (method: string, path: string, body?: unknown) =>
      fetch(`${api.apiUrl}/admin/${path}`, {
        method,
        headers: { cookie, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: 'manual',
      });
  const adminToken = (jobs?: 'TEST_JOB'[]) =>
    harness.client.tokens.create.mutate({
      tenantId: DEFAULT_TENANT,
      role: 'admin',
      ...(jobs ? { jobs } : {}),
    });
  const state = async (id: string) =>
    (await harness.client.jobs.get.query({ id })).state;
  const testJob = (message: string) => ({
    name: 'TEST_JOB' as const,
    data: { message },
    options: {},
  });

  it("refuses a revoked token's session: at once for a change, within the re-check window for a read", async () => {
    const { token, record } = await adminToken();
    const call = caller(await signIn(token));
    expect((await call('GET', 'api/queues')).status).toBe(200);
    expect(
      (await call('POST', 'api/queues/default/add', testJob('before'))).status,
    ).toBe(200);

    await harness.client.tokens.revoke.mutate({ id: record.id });
    const added = await call(
      'POST',
      'api/queues/default/add',
      testJob('after'),
    );
    expect(added.status).toBe(401);

    // Another session, only reading: its cached answer expires (300 ms here).
    const other = await adminToken();
    const read = caller(await signIn(other.token));
    expect((await read('GET', 'api/queues')).status).toBe(200);
    await harness.client.tokens.revoke.mutate({ id: other.record.id });
    await waitFor(
      async () =>
        (await read('GET', 'api/queues')).status === 401 ? true : undefined,
      5_000,
      'the read refused',
    );
    const page = await read('GET', '');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/admin/login');
    const jobs = await harness.client.jobs.list.query({ name: 'TEST_JOB' });
    expect(
      jobs.items.map((j) => (j.data as { message: string }).message),
    ).not.toContain('after');
  });

  it("keeps a job-scoped admin token's scope on the board's add-job", async () => {
    const { token } = await adminToken(['TEST_JOB']);
    const call = caller(await signIn(token));
    const sms = await call('POST', 'api/queues/sms/add', {
      name: 'sms.send',
      data: { to: '+14155550123', message: 'out of scope' },
      options: {},
    });
    expect(sms.status).toBe(403);
    expect(((await sms.json()) as { message: string }).message).toContain(
      'sms.send',
    );
    const own = await call(
      'POST',
      'api/queues/default/add',
      testJob('in scope'),
    );
    expect(own.status).toBe(200);
  });

  it('refuses upper-case, encoded and doubled-slash variants of the raw bulk actions alike, changing nothing', async () => {
    const call = caller(await signIn(ADMIN_TOKEN));
    const { id } = await harness.client.enqueue.mutate(
      testJob('stays waiting'),
    );
    const delayed = await harness.client.enqueue.mutate({
      ...testJob('stays delayed'),
      options: { delay: 60_000 },
    });
    const waiting = await state(id);
    expect(waiting).toBe('waiting');
    for (const path of [
      'api/queues/default/retry/waiting',
      'API/queues/default/retry/waiting',
      'api/queues/default/RETRY/waiting',
      'api/queues/default/retry/waiting/',
      'api//queues/default/retry/waiting',
      'api/queues/default/%72etry/waiting',
      'api/queues/default/empty',
      'api/queues/default/Empty',
      'api/queues/default/EMPTY',
      'api/queues/default/obliterate',
      'api/queues/default/Obliterate',
      'api/queues/default/clean/wait',
      'api/queues/default/CLEAN/delayed',
      'api/queues/default/clean/paused',
      'api/queues/default/anything-new',
    ]) {
      const response = await call('PUT', path);
      expect(response.status, path).toBe(405);
    }
    expect(
      (await call('PATCH', `api/queues/default/${id}/UPDATE-DATA`, {})).status,
    ).toBe(405);
    expect((await call('DELETE', `api/queues/default/${id}`)).status).toBe(405);
    expect(await state(id)).toBe(waiting);
    expect(await state(delayed.id)).toBe('delayed');
  });

  it('retries through Conveyor whatever the case of the path', async () => {
    const call = caller(await signIn(ADMIN_TOKEN));
    const { id } = await harness.client.enqueue.mutate(
      testJob('waiting, not failed'),
    );
    // Conveyor's retry takes only a failed job: a 4xx from it, not Bull Board's raw retry.
    for (const path of [
      `api/queues/default/${id}/retry`,
      `api/queues/default/${id}/RETRY`,
    ]) {
      const response = await call('PUT', path);
      expect(response.status, path).toBe(409);
      expect(((await response.json()) as { code: string }).code).toBe(
        'CONFLICT',
      );
    }
    expect(await state(id)).toBe('waiting');
  });

  it('removes a waiting job from the board as a cancel', async () => {
    const call = caller(await signIn(ADMIN_TOKEN));
    const { id } = await harness.client.enqueue.mutate(testJob('removed'));
    expect(await state(id)).toBe('waiting');
    const removed = await call('PUT', `api/queues/default/${id}/clean`);
    expect(removed.status).toBe(204);
    expect(await state(id)).toBe('cancelled');
  });

  it('answers an oversized sign-in form with a 413, not a reset', async () => {
    const response = await fetch(`${api.apiUrl}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${'x'.repeat(256 * 1024)}`,
    });
    expect(response.status).toBe(413);
    await response.text();
  });
});
