import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Dashboard } from '../../src/dashboard/create-dashboard.ts';
import { startHarness, type Harness } from './harness.ts';
import { scriptedProcessors } from './scripted-processors.ts';
import { DASHBOARD_ADMIN_TOKEN, serveDashboard } from './serve-dashboard.ts';

export { DASHBOARD_ADMIN_TOKEN };

/** A harness with workers, the dashboard on a second API server, and Chromium. */
export interface DashboardRig {
  harness: Harness;
  dashboard: Dashboard;
  api: { apiUrl: string; close(): Promise<void> };
  browser: Browser;
  seen: { name: string; payload: unknown }[];
  /** A fresh page that records every URL it asks for. */
  newPage(): Promise<{ page: Page; requested: string[] }>;
  /** Signs `page` in with `token` and waits for the board. */
  signIn(page: Page, token: string): Promise<void>;
  /** Saves a full-page screenshot under the artifacts folder. */
  shot(page: Page, name: string): Promise<unknown>;
  close(): Promise<void>;
}

type Processors = ReturnType<typeof scriptedProcessors>;

/** `processors` wrap the scripted ones (which record into `seen`). */
export async function startDashboardRig(
  redisUrl: string,
  artifactsFolder: string,
  processors: (scripted: Processors) => Partial<Processors> = () => ({}),
): Promise<DashboardRig> {
  const artifacts = fileURLToPath(
    new URL(`../../../../test-artifacts/${artifactsFolder}/`, import.meta.url),
  );
  mkdirSync(artifacts, { recursive: true });
  const seen: { name: string; payload: unknown }[] = [];
  const harness = await startHarness(redisUrl, {
    adminToken: DASHBOARD_ADMIN_TOKEN,
    processors: {
      ...scriptedProcessors(seen),
      ...processors(scriptedProcessors(seen)),
    },
  });
  const { dashboard, api } = await serveDashboard(harness);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  return {
    harness,
    dashboard,
    api,
    browser,
    seen,
    async newPage() {
      const page = await browser.newPage({
        viewport: { width: 1280, height: 800 },
      });
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      return { page, requested };
    },
    async signIn(page, token) {
      await page.goto(`${api.apiUrl}/admin/login`);
      await page.getByLabel('token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${api.apiUrl}/admin`);
    },
    shot: (page, name) =>
      page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true }),
    async close() {
      await browser.close();
      await api.close();
      await dashboard.close();
      await harness.close();
    },
  };
}
