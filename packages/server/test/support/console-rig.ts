import { createTestDatabase } from '@conveyor/testkit';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { startHarness, type Harness } from './harness.ts';
import { scriptedProcessors } from './scripted-processors.ts';
import {
  DASHBOARD_ADMIN_TOKEN,
  serveDashboard,
  type ServedDashboard,
} from './serve-dashboard.ts';

export { DASHBOARD_ADMIN_TOKEN };

const CONSOLE_PACKAGE = fileURLToPath(
  new URL('../../../console/', import.meta.url),
);

/**
 * The console built from source into a temporary folder (a fresh clone's
 * `yarn test` has no dist), the way `yarn build` builds it.
 */
export async function buildConsole(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'conveyor-console-'));
  await build({
    configFile: join(CONSOLE_PACKAGE, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

export interface ConsoleRig {
  harness: Harness;
  served: ServedDashboard;
  browser: Browser;
  /** A fresh page that records every URL it asks for, and its errors (CSP refusals among them). */
  newPage(): Promise<{ page: Page; requested: string[]; errors: string[] }>;
  /** Signs `page` in through the console's sign-in (sent there by the console) with `token`. */
  signIn(page: Page, token: string): Promise<void>;
  /** The console's URL with these query params. */
  consoleUrl(params?: Record<string, string>): string;
  shot(page: Page, name: string): Promise<unknown>;
  close(): Promise<void>;
}

/** An API with history and workers, the dashboard serving a freshly built console, and Chromium. */
export async function startConsoleRig(
  redisUrl: string,
  postgresUrl: string,
): Promise<ConsoleRig> {
  const artifacts = fileURLToPath(
    new URL('../../../../test-artifacts/console/', import.meta.url),
  );
  mkdirSync(artifacts, { recursive: true });
  const assets = await buildConsole();
  const database = await createTestDatabase(postgresUrl);
  const harness = await startHarness(redisUrl, {
    adminToken: DASHBOARD_ADMIN_TOKEN,
    processors: scriptedProcessors(),
    history: { databaseUrl: database.url },
  });
  const served = await serveDashboard(harness, { consoleAssetsDir: assets });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const { apiUrl } = served.api;
  return {
    harness,
    served,
    browser,
    async newPage() {
      const page = await browser.newPage({
        viewport: { width: 1280, height: 800 },
      });
      const requested: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error')
          errors.push(`${message.text()} (${message.location().url})`);
      });
      return { page, requested, errors };
    },
    async signIn(page, token) {
      await page.goto(`${apiUrl}/admin/console/`);
      await page.waitForURL(`${apiUrl}/admin/login?next=console`);
      await page.getByLabel('token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${apiUrl}/admin/console/`);
    },
    consoleUrl: (params = {}) =>
      `${apiUrl}/admin/console/?${new URLSearchParams(params).toString()}`,
    shot: (page, name) =>
      page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true }),
    async close() {
      await browser.close();
      await served.api.close();
      await served.dashboard.close();
      await harness.close();
      await database.drop();
      rmSync(assets, { recursive: true, force: true });
    },
  };
}
