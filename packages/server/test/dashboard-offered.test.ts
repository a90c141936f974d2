import type { BackoffPolicy } from '@conveyor/core';
import { RetryLaterError } from '@conveyor/queue';
import { waitFor } from '@conveyor/testkit';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DASHBOARD_ADMIN_TOKEN,
  startDashboardRig,
  type DashboardRig,
} from './support/dashboard-browser.ts';

/** The board in Chromium: what it offers, what it loads, what it shows. */
describe('the dashboard offers only what Conveyor does', () => {
  let rig: DashboardRig;

  beforeAll(async () => {
    rig = await startDashboardRig(
      inject('redisUrl'),
      'dashboard-offered',
      (scripted) => ({
        // `later`: the processor asks for its own wait, 15 min.
        TEST_JOB: (payload, context) =>
          payload.message === 'later'
            ? Promise.reject(new RetryLaterError('not yet', 15 * 60_000))
            : scripted.TEST_JOB(payload, context),
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  const failedJob = async (tenant?: string) => {
    const client = tenant
      ? rig.harness.clientWith(await tokenFor(tenant, 'producer'))
      : rig.harness.client;
    const { id } = await client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'always-fail' },
      options: { attempts: 1 },
    });
    const admin = rig.harness.clientWith(DASHBOARD_ADMIN_TOKEN, tenant);
    await waitFor(async () =>
      (await admin.jobs.get.query({ id })).state === 'failed'
        ? true
        : undefined,
    );
    return id;
  };
  const tokenFor = async (tenantId: string, role: 'viewer' | 'producer') =>
    (await rig.harness.client.tokens.create.mutate({ tenantId, role })).token;
  const queueMenu = async (page: Page) => {
    await page.locator('button[aria-haspopup]').last().click();
    await page.getByRole('menuitem').first().waitFor();
    return (await page.getByRole('menuitem').allInnerTexts()).join('\n');
  };

  it('loads nothing from another origin, and hides the actions Conveyor refuses', async () => {
    const id = await failedJob();
    const { page, requested } = await rig.newPage();
    await rig.signIn(page, DASHBOARD_ADMIN_TOKEN);
    await page.goto(`${rig.api.apiUrl}/admin/queue/default?status=failed`);
    await page.getByText(id).first().waitFor();
    const menu = await queueMenu(page);
    await rig.shot(page, '01-admin-queue-menu');
    expect(menu).toContain('Add job');
    expect(menu).toContain('Retry all');
    expect(menu).not.toContain('Empty');
    expect(menu).not.toContain('Obliterate');
    await page.keyboard.press('Escape');

    await page.goto(`${rig.api.apiUrl}/admin/queue/default/${id}`);
    await page.getByText('TEST_JOB · default').waitFor();
    await expect(page.locator('svg.lucide-trash-2').count()).resolves.toBe(1);
    await expect(page.locator('svg.lucide-pencil').isVisible()).resolves.toBe(
      false,
    );
    await rig.shot(page, '02-admin-job');
    expect(requested.length).toBeGreaterThan(5);
    const elsewhere = requested.filter(
      (url) => new URL(url).origin !== rig.api.apiUrl,
    );
    expect(elsewhere).toEqual([]);
    await page.close();
  });

  it.each([
    {
      kind: 'a ladder step',
      message: 'always-fail',
      backoff: { type: 'ladder', delays: ['20m'] } satisfies BackoffPolicy,
      waitMs: 20 * 60_000,
    },
    { kind: 'a RetryLaterError', message: 'later', waitMs: 15 * 60_000 },
  ])(
    'shows the retry after $kind at its real time, not as an unknown delay',
    async ({ message, backoff, waitMs }) => {
      const { id } = await rig.harness.client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message },
        options: { attempts: 3, ...(backoff ? { backoff } : {}) },
      });
      await waitFor(async () =>
        (await rig.harness.client.jobs.get.query({ id })).state === 'delayed'
          ? true
          : undefined,
      );
      const response = await fetch(
        `${rig.api.apiUrl}/admin/api/queues/default/${id}`,
        { headers: { cookie: await adminCookie() } },
      );
      const { job } = (await response.json()) as {
        job: { timestamp: number; delay: number; processedOn: number };
      };
      const runAt = job.timestamp + job.delay;
      // The step starts when attempt 1 failed, after it started.
      expect(runAt - job.processedOn).toBeGreaterThanOrEqual(waitMs);
      expect(runAt - job.processedOn).toBeLessThan(waitMs + 60_000);

      const { page } = await rig.newPage();
      await rig.signIn(page, DASHBOARD_ADMIN_TOKEN);
      await page.goto(`${rig.api.apiUrl}/admin/queue/default/${id}`);
      await page.getByText('Will run at').waitFor();
      await rig.shot(page, `03-delay-${message}`);
      await expect(page.locator('body').innerText()).resolves.not.toContain(
        'unknown',
      );
      // Delayed jobs are unfinished: Conveyor refuses to clean them.
      await page.goto(`${rig.api.apiUrl}/admin/queue/default?status=delayed`);
      await page.getByText(id).first().waitFor();
      await page.getByRole('button', { name: 'Promote all' }).waitFor();
      await expect(
        page.getByRole('button', { name: 'Clean all' }).isVisible(),
      ).resolves.toBe(false);
      await page.close();
    },
  );

  async function adminCookie(): Promise<string> {
    const response = await fetch(`${rig.api.apiUrl}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: DASHBOARD_ADMIN_TOKEN }).toString(),
      redirect: 'manual',
    });
    return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }

  it("signs the operator's viewer in read-only: nothing that changes is offered or accepted, and other tenants' payloads stay hidden", async () => {
    const own = await failedJob('default');
    const other = await failedJob('globex');
    const { page } = await rig.newPage();
    await rig.signIn(page, await tokenFor('default', 'viewer'));
    await page.goto(`${rig.api.apiUrl}/admin/queue/default/${own}`);
    await page.getByText('TEST_JOB · default').waitFor();
    await page.getByText('Data', { exact: true }).click();
    await page.getByText('message:"always-fail"').first().waitFor();
    await expect(page.locator('svg.lucide-trash-2').count()).resolves.toBe(0);
    await rig.shot(page, '04-viewer-own-job');
    await page.goto(`${rig.api.apiUrl}/admin/queue/default/${other}`);
    await page.getByText('TEST_JOB · globex').waitFor();
    await page.getByText('Data', { exact: true }).click();
    await page.getByText("another tenant's job").first().waitFor();
    await expect(page.locator('body').innerText()).resolves.not.toContain(
      'always-fail',
    );
    await rig.shot(page, '05-viewer-other-tenant');
    await page.goto(`${rig.api.apiUrl}/admin/queue/default?status=failed`);
    await page.getByText(own).first().waitFor();
    const actions = page.getByRole('button', { name: /Retry all|Clean all/ });
    await expect(actions.count()).resolves.toBe(0);
    const menu = page.locator('button[aria-haspopup]');
    for (let at = 0; at < (await menu.count()); at += 1) {
      await menu.nth(at).click();
      const items = await page.getByRole('menuitem').allInnerTexts();
      expect(items.join()).not.toMatch(/Add job|Retry|Pause|Empty|Obliterate/);
      await page.keyboard.press('Escape');
    }
    await rig.shot(page, '06-viewer-failed-tab');

    const cookie = (await page.context().cookies())
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const retry = await fetch(
      `${rig.api.apiUrl}/admin/api/queues/default/${own}/retry`,
      { method: 'PUT', headers: { cookie } },
    );
    expect(retry.status).toBe(405);
    const operator = rig.harness.clientWith(DASHBOARD_ADMIN_TOKEN, 'default');
    await expect(operator.jobs.get.query({ id: own })).resolves.toMatchObject({
      state: 'failed',
      attemptsMade: 1,
    });
    await page.close();
  });

  it("retries every tenant's failed jobs of a queue from the board's Retry all, each through Conveyor", async () => {
    const ids = [await failedJob('acme'), await failedJob('globex')];
    const runs = () =>
      rig.seen.filter(
        (s) => (s.payload as { message: string }).message === 'always-fail',
      ).length;
    const before = runs();
    const { page } = await rig.newPage();
    await rig.signIn(page, DASHBOARD_ADMIN_TOKEN);
    await page.goto(`${rig.api.apiUrl}/admin/queue/default?status=failed`);
    for (const id of ids) await page.getByText(id).first().waitFor();
    const failed = await page
      .getByRole('link', { name: /^FAILED/ })
      .innerText();
    const count = Number(/\d+/.exec(failed)?.[0]);
    await page.getByRole('button', { name: 'Retry all' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await waitFor(() => (runs() >= before + count ? true : undefined));
    await rig.shot(page, '07-retried-all');
    for (const [tenant, id] of [
      ['acme', ids[0]],
      ['globex', ids[1]],
    ] as const) {
      const admin = rig.harness.clientWith(DASHBOARD_ADMIN_TOKEN, tenant);
      const attempts = await admin.jobs.attempts.query({ id: id ?? '' });
      expect(attempts.length).toBeGreaterThanOrEqual(2);
    }
    await page.close();
  });

  it("refuses a producer token, and another tenant's viewer, at sign-in", async () => {
    const signIn = async (token: string) => {
      const response = await fetch(`${rig.api.apiUrl}/admin/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
        redirect: 'manual',
      });
      return {
        status: response.status,
        text: await response.text(),
        cookie: response.headers.get('set-cookie'),
      };
    };
    const producer = await signIn(await tokenFor('acme', 'producer'));
    expect(producer).toMatchObject({ status: 403, cookie: null });
    expect(producer.text).toContain('viewer token of tenant default');
    const viewer = await signIn(await tokenFor('acme', 'viewer'));
    expect(viewer).toMatchObject({ status: 403, cookie: null });
    expect(viewer.text).toContain('shows every tenant');
  });

  it('shows the job schemas as a page, and as JSON on request', async () => {
    const { page } = await rig.newPage();
    await rig.signIn(page, DASHBOARD_ADMIN_TOKEN);
    await page.goto(`${rig.api.apiUrl}/admin/schemas`);
    const job = page.locator('section[data-job="TEST_JOB"]');
    await expect(job.innerText()).resolves.toMatch(
      /Queue default[\s\S]*message\s+string\s+required/,
    );
    await rig.shot(page, '08-schemas');
    const json = await page.request.get(
      `${rig.api.apiUrl}/admin/schemas?format=json`,
    );
    expect(json.headers()['content-type']).toContain('application/json');
    await expect(json.json()).resolves.toMatchObject({
      TEST_JOB: { queue: 'default', input: { required: ['message'] } },
    });
    await page.close();
  });
});
