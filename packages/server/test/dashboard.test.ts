import { waitFor } from '@conveyor/testkit';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Dashboard } from '../src/dashboard/create-dashboard.ts';
import { startHarness, type Harness } from './support/harness.ts';
import {
  DASHBOARD_ADMIN_TOKEN,
  serveDashboard,
} from './support/serve-dashboard.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';

const redisUrl = inject('redisUrl');
const ADMIN_TOKEN = DASHBOARD_ADMIN_TOKEN;
const ARTIFACTS = fileURLToPath(
  new URL('../../../test-artifacts/dashboard/', import.meta.url),
);

describe('the dashboard in a browser', () => {
  let harness: Harness;
  let dashboard: Dashboard;
  let api: { apiUrl: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const seen: { name: string; payload: unknown }[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    harness = await startHarness(redisUrl, {
      adminToken: ADMIN_TOKEN,
      processors: scriptedProcessors(seen),
    });
    ({ dashboard, api } = await serveDashboard(harness));
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await dashboard?.close();
    await harness?.close();
  });

  const shot = (name: string) =>
    page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });

  it('sends a visitor without a session to the sign-in form, and the API calls get a 401', async () => {
    const board = await fetch(`${api.apiUrl}/admin`, { redirect: 'manual' });
    expect(board.status).toBe(303);
    expect(board.headers.get('location')).toBe('/admin/login');
    const queues = await fetch(`${api.apiUrl}/admin/api/queues`);
    expect(queues.status).toBe(401);

    const response = await page.goto(`${api.apiUrl}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(response?.status()).toBe(200);
    await page.getByLabel('Token').fill('not-the-admin-token-but-long-enough');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'not accepted',
    );
    await shot('01-sign-in-refused');
  });

  it('signs an admin in and lists the queues, with the decoded payload of a job', async () => {
    const { id } = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'shown decoded' },
    });
    await waitFor(async () => {
      const job = await harness.client.jobs.get.query({ id });
      return job.state === 'completed' ? job : undefined;
    });
    await page.getByLabel('Token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${api.apiUrl}/admin`, { waitUntil: 'commit' });
    for (const queue of harness.services.registry.queues)
      await page.getByText(queue, { exact: true }).first().waitFor();
    await shot('02-queues');

    await page.goto(`${api.apiUrl}/admin/queue/default/${id}`, {
      waitUntil: 'commit',
    });
    await page.getByText('Data', { exact: true }).click();
    await page.getByText('message:"shown decoded"').first().waitFor();
    await page.getByText('echoed:"shown decoded"').first().waitFor(); // the result, decoded
    const text = await page.locator('body').innerText();
    expect(text).toContain('TEST_JOB · default');
    expect(text).not.toContain('"payload"');
    expect(text).not.toContain('"json"');
    await shot('03-decoded-job');
  });

  it('retries a failed job from the page, through Conveyor', async () => {
    const { id } = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'always-fail' },
      options: { attempts: 1 },
    });
    await waitFor(async () => {
      const job = await harness.client.jobs.get.query({ id });
      return job.state === 'failed' ? job : undefined;
    });
    const runs = () =>
      seen.filter(
        (s) => (s.payload as { message: string }).message === 'always-fail',
      ).length;
    expect(runs()).toBe(1);
    await page.goto(`${api.apiUrl}/admin/queue/default/${id}`, {
      waitUntil: 'commit',
    });
    await page.getByText('boom on attempt 1').first().waitFor();
    await shot('04-failed-job');
    // The job's actions are icons; Bull Board 9.10's retry is the first, titled by its tooltip.
    const retry = page.locator('[class^="button-GXX8BV"]').first();
    await retry.hover();
    await page.getByText('Retry', { exact: true }).waitFor();
    await retry.click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await waitFor(
      () => (runs() === 2 ? true : undefined),
      10_000,
      'the second run',
    );
    const job = await waitFor(async () => {
      const job = await harness.client.jobs.get.query({ id });
      return job.state === 'failed' ? job : undefined;
    });
    expect(job.attemptsMade).toBe(1);
  });

  it("routes the board's add-job through the contract and refuses what would bypass Conveyor", async () => {
    const cookies = await page.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${api.apiUrl}/admin/api/queues/${path}`, {
        method,
        headers: { cookie, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    const invalid = await call('POST', 'default/add', {
      name: 'TEST_JOB',
      data: { message: 42 },
      options: {},
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { message: string }).message).toContain(
      'data.message',
    );

    const added = await call('POST', 'default/add', {
      name: 'TEST_JOB',
      data: { message: 'from the board' },
      options: { removeOnComplete: true },
    });
    expect(added.status).toBe(200);
    const { job } = (await added.json()) as { job: { id: string } };
    const view = await harness.client.jobs.get.query({ id: job.id });
    expect(view.dataError).toBeNull();
    expect(view.data).toEqual({ message: 'from the board' });

    expect((await call('PUT', 'default/retry/completed')).status).toBe(405);
    expect((await call('PUT', 'default/obliterate')).status).toBe(405);
    const anonymous = await fetch(
      `${api.apiUrl}/admin/api/queues/default/add`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
    );
    expect(anonymous.status).toBe(401);
  });
});
