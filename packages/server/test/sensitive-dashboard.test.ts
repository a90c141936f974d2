import { sensitiveRegistry, type FixtureRegistry } from '@conveyor/fixtures';
import type { ProcessorMap } from '@conveyor/queue';
import { waitFor } from '@conveyor/testkit';
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Dashboard } from '../src/dashboard/create-dashboard.ts';
import { startHarness, type Harness } from './support/harness.ts';
import {
  DASHBOARD_ADMIN_TOKEN,
  serveDashboard,
} from './support/serve-dashboard.ts';

const redisUrl = inject('redisUrl');
const ARTIFACTS = fileURLToPath(
  new URL('../../../test-artifacts/sensitive/', import.meta.url),
);
const SECRETS = ['+14155550100', '4111111111111111', 'RCPT-SECRET'];

describe('sensitive() fields on the dashboard (Chromium)', () => {
  let harness: Harness;
  let dashboard: Dashboard;
  let api: { apiUrl: string; close(): Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    process.env['CONVEYOR_ENCRYPTION_KEYS'] =
      `k1:${randomBytes(32).toString('base64')}`;
    mkdirSync(ARTIFACTS, { recursive: true });
    const processors = {
      TEST_JOB: ({ message }: { message: string }) =>
        Promise.resolve({ echoed: message }),
      'secret.send': ({ message }: { message: string }) =>
        Promise.resolve({ receipt: `RCPT-SECRET-${message}`, status: 'sent' }),
    };
    harness = await startHarness(redisUrl, {
      adminToken: DASHBOARD_ADMIN_TOKEN,
      registry: sensitiveRegistry as unknown as FixtureRegistry,
      processors: processors as unknown as ProcessorMap<FixtureRegistry>,
    });
    ({ dashboard, api } = await serveDashboard(harness));
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
  }, 120_000);
  afterAll(async () => {
    delete process.env['CONVEYOR_ENCRYPTION_KEYS'];
    await browser?.close();
    await api?.close();
    await dashboard?.close();
    await harness?.close();
  });

  it('shows a sealed job’s payload and result as [sensitive], even to an admin', async () => {
    const client = harness.client as unknown as {
      enqueue: { mutate(input: unknown): Promise<{ id: string }> };
    };
    const { id } = await client.enqueue.mutate({
      name: 'secret.send',
      data: {
        to: '+14155550100',
        message: 'shown redacted',
        cards: [{ number: '4111111111111111' }],
      },
    });
    await waitFor(async () => {
      const job = await harness.client.jobs.get.query({ id });
      return job.state === 'completed' ? job : undefined;
    }, 30_000);
    const page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
    });
    await page.goto(`${api.apiUrl}/admin/login`);
    await page.getByLabel('Token').fill(DASHBOARD_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${api.apiUrl}/admin`, { waitUntil: 'commit' });
    await page.goto(`${api.apiUrl}/admin/queue/sms/${id}`, {
      waitUntil: 'commit',
    });
    await page.getByText('Data', { exact: true }).click();
    await page.getByText('message:"shown redacted"').first().waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain('[sensitive]');
    expect(text).toContain('status:"sent"');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toContain('cvs1.');
    await page.screenshot({
      path: `${ARTIFACTS}sealed-job.png`,
      fullPage: true,
    });
    await page.close();
  });
});
