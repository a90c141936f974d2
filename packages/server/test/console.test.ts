import { waitFor } from '@conveyor/testkit';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FixtureClient } from './support/fixture-router.ts';
import { serveDashboard } from './support/serve-dashboard.ts';
import {
  DASHBOARD_ADMIN_TOKEN,
  startConsoleRig,
  type ConsoleRig,
} from './support/console-rig.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');

const DOCS_IMAGES = fileURLToPath(
  new URL('../../../docs/images/', import.meta.url),
);
const ARTIFACTS = fileURLToPath(
  new URL('../../../test-artifacts/console/', import.meta.url),
);

describe('the runs console in Chromium (served by the dashboard, talking tRPC to it)', () => {
  let rig: ConsoleRig;
  let acme: FixtureClient;
  let acmeViewer: string;
  let globexViewer: string;
  const marker = `find-me-${randomUUID().slice(0, 8)}`;
  const ids = {
    found: '',
    other: '',
    failing: '',
    failing2: '',
    flaky: '',
    globex: '',
  };

  /** A job's history once the drainer wrote it in this state. */
  const settled = (id: string, state: string) =>
    waitFor(
      async () => {
        const found = await acme.history.get.query({ id }).catch(() => null);
        return found?.job.state === state ? found : undefined;
      },
      30_000,
      `job ${id} ${state} in history`,
    );

  beforeAll(async () => {
    rig = await startConsoleRig(redisUrl, postgresUrl);
    const { client } = rig.harness;
    const token = async (tenantId: string, role: 'producer' | 'viewer') =>
      (await client.tokens.create.mutate({ tenantId, role })).token;
    acme = rig.harness.clientWith(await token('acme', 'producer'));
    const globex = rig.harness.clientWith(await token('globex', 'producer'));
    acmeViewer = await token('acme', 'viewer');
    globexViewer = await token('globex', 'viewer');
    const enqueue = async (who: FixtureClient, message: string) =>
      (
        await who.enqueue.mutate({
          name: 'TEST_JOB',
          data: { message },
          options: { attempts: 1 },
        })
      ).id;
    ids.found = await enqueue(acme, marker);
    ids.other = await enqueue(acme, 'another-message');
    ids.failing = await enqueue(acme, 'always-fail');
    ids.failing2 = await enqueue(acme, 'always-fail');
    ids.globex = await enqueue(globex, `globex-${marker}`);
    // Fails its first attempt, succeeds on the second.
    ids.flaky = (
      await acme.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'fail:1' },
        options: { attempts: 2, backoff: { type: 'fixed', delay: 100 } },
      })
    ).id;
    await settled(ids.found, 'completed');
    await settled(ids.other, 'completed');
    await settled(ids.failing, 'failed');
    await settled(ids.failing2, 'failed');
    await settled(ids.flaky, 'completed');
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('an admin searches by a payload field (filter in the URL), opens the run, and nothing leaves the machine', async () => {
    const { page, requested, errors } = await rig.newPage();
    await rig.signIn(page, DASHBOARD_ADMIN_TOKEN);
    await page.goto(rig.consoleUrl({ tenant: 'acme' }));
    await page.getByLabel('job').selectOption('TEST_JOB');
    await page.getByRole('button', { name: '+ condition' }).click();
    await page.getByLabel('field').selectOption('data.message');
    await page.getByLabel('operator').selectOption('eq');
    await page.getByLabel('value').fill(marker);
    await page.getByRole('button', { name: 'Search' }).click();
    const rows = page.getByTestId('run-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => rows.first().innerText()).toContain(ids.found);
    expect(new URL(page.url()).searchParams.getAll('w')).toEqual([
      `data.message=${marker}`,
    ]);
    await rig.shot(page, 'console-search');

    // Reload-safe: the same URL shows the same run.
    await page.reload();
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1);

    await page.getByRole('link', { name: ids.found }).click();
    const payload = page.getByTestId('run-payload');
    await expect
      .poll(() => payload.innerText(), { timeout: 30_000 })
      .toContain(marker);
    await expect
      .poll(() => page.getByTestId('attempt-row').count())
      .toBeGreaterThan(0);
    expect(await page.getByTestId('run-state').innerText()).toBe('completed');
    await rig.shot(page, 'console-run-plain');

    const origin = new URL(rig.served.api.apiUrl).origin;
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual(
      [],
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a tenant's viewer sees only that tenant's runs", async () => {
    const { page } = await rig.newPage();
    await rig.signIn(page, globexViewer);
    await page.goto(rig.consoleUrl());
    const rows = page.getByTestId('run-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1);
    expect(await rows.first().innerText()).toContain(ids.globex);
    // Asking for another tenant is refused, not answered.
    await page.goto(rig.consoleUrl({ tenant: 'acme' }));
    await expect
      .poll(() => page.getByRole('alert').innerText(), { timeout: 30_000 })
      .toContain('Only an admin may act for another tenant');
    expect(await rows.count()).toBe(0);
    // The board lists every tenant's queues: this session is sent back to the console.
    await page.goto(`${rig.served.api.apiUrl}/admin`);
    await page.waitForURL(rig.consoleUrl().replace(/\?$/, ''));
    await page.close();
  });

  it("a run that failed once then succeeded: the page tells the attempt's error, its stack (folded) and the payload as received", async () => {
    const { page, errors } = await rig.newPage();
    await rig.signIn(page, DASHBOARD_ADMIN_TOKEN);
    await page.goto(
      rig.consoleUrl({ view: 'run', id: ids.flaky, tenant: 'acme' }),
    );
    const attemptErrors = page.getByTestId('attempt-error');
    await expect.poll(() => attemptErrors.count(), { timeout: 30_000 }).toBe(1);
    expect(await attemptErrors.first().innerText()).toContain(
      'planned failure 1',
    );
    expect(await page.getByTestId('attempt-row').count()).toBe(2);
    expect(await page.getByTestId('run-state').innerText()).toBe('completed');
    const stack = page.getByTestId('attempt-stack');
    expect(await stack.count()).toBe(1);
    // Folded: the stack is in the page but shown only when opened.
    expect(await stack.getAttribute('open')).toBeNull();
    await stack.locator('summary').click();
    await expect
      .poll(() => stack.locator('pre').innerText())
      .toContain('scripted-processors');
    expect(await page.getByTestId('run-received').innerText()).toContain(
      'fail:1',
    );
    expect(await page.getByTestId('run-payload').innerText()).toContain(
      'fail:1',
    );
    expect(await page.getByTestId('run-result').innerText()).toContain(
      'echoed',
    );
    const timeline = await page.getByLabel('timeline').innerText();
    expect(timeline).toContain('Enqueued');
    expect(timeline).toContain('backoff');
    expect(timeline).toContain('recorded');
    await rig.shot(page, 'console-run');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the stats page lists failure reasons with their counts', async () => {
    const { page } = await rig.newPage();
    await rig.signIn(page, DASHBOARD_ADMIN_TOKEN);
    await page.goto(rig.consoleUrl({ view: 'stats', tenant: 'acme' }));
    const rows = page.getByTestId('failure-row');
    const boom = rows.filter({ hasText: 'boom on attempt 1' });
    await expect.poll(() => boom.count(), { timeout: 30_000 }).toBe(1);
    const cells = await boom.locator('td').allInnerTexts();
    // Job, reason, failed jobs, failed attempts.
    expect(cells.slice(0, 4)).toEqual([
      'TEST_JOB',
      'boom on attempt 1',
      '2',
      '2',
    ]);
    const planned = rows.filter({ hasText: 'planned failure 1' });
    expect(await planned.locator('td').allInnerTexts()).toEqual(
      expect.arrayContaining(['TEST_JOB', 'planned failure 1', '0', '1']),
    );
    await rig.shot(page, 'console-stats');
    await page.close();
  });

  it('a viewer gets no action button, and a mutation sent anyway is refused', async () => {
    const { page } = await rig.newPage();
    await rig.signIn(page, acmeViewer);
    await page.goto(rig.consoleUrl({ view: 'bulk', name: 'TEST_JOB' }));
    await expect
      .poll(() => page.getByText("A viewer's token reads only").count(), {
        timeout: 30_000,
      })
      .toBe(1);
    expect(await page.getByRole('button', { name: /Confirm/ }).count()).toBe(0);
    expect(
      await page.getByRole('button', { name: 'Preview' }).isDisabled(),
    ).toBe(true);
    const status = await page.evaluate(async (id) => {
      const res = await fetch('../trpc/jobs.retry', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: { id } }),
      });
      return res.status;
    }, ids.failing);
    expect(status).toBe(403);
    await page.close();
  });

  it('an admin bulk-retries failed jobs: the preview counts them, the confirmed action retries that many', async () => {
    const { page } = await rig.newPage();
    await rig.signIn(page, DASHBOARD_ADMIN_TOKEN);
    const url = { view: 'bulk', tenant: 'acme', action: 'retry' };
    await page.goto(
      rig.consoleUrl({ ...url, name: 'TEST_JOB', state: 'failed' }),
    );
    await page.getByRole('button', { name: 'Preview' }).click();
    const count = page.getByTestId('bulk-count');
    await expect
      .poll(() => count.innerText(), { timeout: 30_000 })
      .toContain('This will retry 2 jobs');
    expect(await page.getByTestId('run-row').count()).toBe(2);
    await rig.shot(page, 'console-bulk-preview');
    await page.getByRole('button', { name: 'Confirm: retry 2 jobs' }).click();
    await expect
      .poll(() => page.getByTestId('bulk-progress').innerText(), {
        timeout: 30_000,
      })
      .toMatch(/completed — 2\s+done, 0 skipped, 0 failed of 2 matched/);
    await rig.shot(page, 'console-bulk-done');
    for (const id of [ids.failing, ids.failing2])
      await waitFor(
        async () => {
          const found = await acme.history.get.query({ id });
          return found.job.run > 0 ? found : undefined;
        },
        30_000,
        `job ${id} retried`,
      );
    await page.close();
  });

  it("a running job's page follows it live over jobs.watch until it completes", async () => {
    const { id } = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'slow:4000' },
    });
    await waitFor(
      () => acme.history.get.query({ id }).catch(() => undefined),
      30_000,
      `job ${id} in history`,
    );
    const { page } = await rig.newPage();
    await rig.signIn(page, DASHBOARD_ADMIN_TOKEN);
    await page.goto(rig.consoleUrl({ view: 'run', id, tenant: 'acme' }));
    const live = page.getByLabel('live events');
    await expect.poll(() => live.count(), { timeout: 30_000 }).toBe(1);
    await expect
      .poll(() => live.innerText(), { timeout: 30_000 })
      .toContain('completed');
    await expect
      .poll(() => page.getByTestId('run-state').innerText(), {
        timeout: 30_000,
      })
      .toBe('completed');
    await page.close();
  });

  it('the run page of an unknown id says so', async () => {
    const { page } = await rig.newPage();
    await rig.signIn(page, DASHBOARD_ADMIN_TOKEN);
    await page.goto(
      rig.consoleUrl({ view: 'run', id: '999999', tenant: 'acme' }),
    );
    await expect
      .poll(() => page.getByRole('alert').count(), { timeout: 30_000 })
      .toBe(1);
    await page.close();
  });

  it('serves a strict CSP, immutable hashed assets and an uncached page', async () => {
    const { page } = await rig.newPage();
    await rig.signIn(page, DASHBOARD_ADMIN_TOKEN);
    const answer = await page.goto(rig.consoleUrl());
    const headers = answer?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("script-src 'self';");
    expect(headers['cache-control']).toBe('no-store');
    const script = await page.locator('script[src]').getAttribute('src');
    const asset = await page.evaluate(async (src) => {
      const res = await fetch(src ?? '');
      return { status: res.status, cache: res.headers.get('cache-control') };
    }, script);
    expect(asset).toEqual({
      status: 200,
      cache: 'public, max-age=31536000, immutable',
    });
    const missing = await page.evaluate(async () => {
      const res = await fetch('assets/none-such.js');
      return res.status;
    });
    expect(missing).toBe(404);
    await page.close();
  });

  it('without the console built, <base>/console/ is a 404 page saying how to build it', async () => {
    const bare = await serveDashboard(rig.harness, { consoleAssetsDir: false });
    try {
      const { page } = await rig.newPage();
      await page.goto(`${bare.api.apiUrl}/admin/console/`);
      await page.getByLabel('token').fill(DASHBOARD_ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${bare.api.apiUrl}/admin/console/`);
      expect(await page.locator('h1').innerText()).toBe(
        'The runs console is not built',
      );
      expect(await page.locator('body').innerText()).toContain('yarn build');
      const status = await page.evaluate(async () => (await fetch('')).status);
      expect(status).toBe(404);
      await page.close();
    } finally {
      await bare.api.close();
    }
  });

  it('took the screenshots the README shows (UPDATE_SCREENSHOTS=1 copies them to docs/images)', () => {
    for (const name of ['console-search', 'console-run']) {
      const shot = `${ARTIFACTS}${name}.png`;
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      if (process.env.UPDATE_SCREENSHOTS === '1') {
        mkdirSync(DOCS_IMAGES, { recursive: true });
        copyFileSync(shot, `${DOCS_IMAGES}${name}.png`);
      }
    }
  });
});
