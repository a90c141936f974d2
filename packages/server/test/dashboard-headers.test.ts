import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Dashboard } from '../src/dashboard/create-dashboard.ts';
import { startHarness, type Harness } from './support/harness.ts';
import {
  DASHBOARD_ADMIN_TOKEN,
  serveDashboard,
} from './support/serve-dashboard.ts';

const redisUrl = inject('redisUrl');

describe('the dashboard names no server software', () => {
  let harness: Harness;
  let dashboard: Dashboard;
  let api: { apiUrl: string; close(): Promise<void> };
  let cookie = '';

  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      adminToken: DASHBOARD_ADMIN_TOKEN,
    });
    ({ dashboard, api } = await serveDashboard(harness));
    const signedIn = await fetch(`${api.apiUrl}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: DASHBOARD_ADMIN_TOKEN }).toString(),
      redirect: 'manual',
    });
    expect(signedIn.status).toBe(303);
    cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await dashboard?.close();
    await harness?.close();
  });

  const get = (path: string, withSession = true) =>
    fetch(`${api.apiUrl}/admin${path}`, {
      headers: withSession ? { cookie } : {},
      redirect: 'manual',
    });

  it('sends no x-powered-by from the sign-in page, the board, its API, its assets or the console', async () => {
    const board = await get('');
    expect(board.status).toBe(200);
    const html = await board.text();
    // The board's own scripts and stylesheet (relative to `<base href="/admin/">`).
    const assets = [...html.matchAll(/(?:src|href)="(static\/[^"]+)"/g)]
      .map((m) => `/${m[1] ?? ''}`)
      .slice(0, 3);
    expect(assets.length).toBeGreaterThan(0);
    const answers = [
      { path: '', response: board },
      { path: '/login', response: await get('/login', false) },
      { path: '/login (no session)', response: await get('', false) },
      { path: '/api/queues', response: await get('/api/queues') },
      { path: '/api/no-such-route', response: await get('/api/no-such-route') },
      { path: '/queue/default', response: await get('/queue/default') },
      { path: '/console/', response: await get('/console/') },
      { path: '/schemas', response: await get('/schemas') },
    ];
    for (const asset of assets)
      answers.push({ path: asset, response: await get(asset) });
    for (const { path, response } of answers) {
      expect(response.status, path).toBeLessThan(500);
      expect(response.headers.get('x-powered-by'), path).toBeNull();
      if (!response.bodyUsed) await response.arrayBuffer();
    }
    const statuses = answers.map((a) => a.response.status);
    // The board's API and its assets really answered (through express).
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(4);
  });
});
