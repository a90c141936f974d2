import { DEFAULT_TENANT } from '@conveyor/core';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAuthenticate } from '../src/auth/authenticate.ts';
import { FailureLimiter } from '../src/auth/failure-limiter.ts';
import { limitAuthFailures } from '../src/auth/limit-auth-failures.ts';
import {
  createDashboard,
  type Dashboard,
} from '../src/dashboard/create-dashboard.ts';
import { createApiServer } from '../src/server.ts';
import { startHarness, type Harness } from './support/harness.ts';

const redisUrl = inject('redisUrl');
const ADMIN_TOKEN = 'failure-limit-admin-token-0123456789abcdef';
const WRONG_TOKEN = 'not-the-admin-token-0123456789abcdef';
const WINDOW_MS = 60_000;

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/**
 * One request from a chosen loopback address (127.0.0.0/8 is all this
 * machine), so the server sees distinct clients.
 */
function call(
  url: string,
  from: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: init.method ?? 'GET',
        headers: init.headers,
        localAddress: from,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter, body });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('failed authentications are limited per client address (real server)', () => {
  let harness: Harness;
  let dashboard: Dashboard;
  let server: ReturnType<typeof createApiServer>;
  let base = '';
  // The limiter's clock: the test ends a window by moving it, not by sleeping.
  const clock = { now: 1_000_000 };

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken: ADMIN_TOKEN });
    const limiter = new FailureLimiter({
      maxFailures: 10,
      windowMs: WINDOW_MS,
      now: () => clock.now,
    });
    const authenticate = limitAuthFailures(
      createAuthenticate({
        tokens: harness.services.tokens,
        adminToken: ADMIN_TOKEN,
        adminTenant: DEFAULT_TENANT,
      }),
      limiter,
    );
    const logger = pino({ level: 'silent' });
    const services = harness.services;
    dashboard = createDashboard({ services, logger, authenticate });
    server = createApiServer({
      services,
      logger,
      authenticate,
      authFailures: limiter,
      routes: [dashboard.route],
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await dashboard?.close();
    await harness?.close();
  });

  const signIn = (from: string, token: string) =>
    call(`${base}/admin/login`, from, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
  const bearer = (from: string, token: string) =>
    call(`${base}/trpc/catalog.list`, from, {
      headers: { authorization: `Bearer ${token}` },
    });

  const expectLimited = (answer: Answer) => {
    expect(answer.status).toBe(429);
    const seconds = Number(answer.retryAfter);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(WINDOW_MS / 1_000);
    expect(answer.body).toContain('Too many failed attempts from this address');
  };

  it('11 wrong sign-ins: the 11th is a 429 with Retry-After, and so is the right token, until the window ends', async () => {
    const from = '127.0.0.2';
    for (let i = 0; i < 10; i++)
      expect((await signIn(from, WRONG_TOKEN)).status, `attempt ${i + 1}`).toBe(
        401,
      );
    expectLimited(await signIn(from, WRONG_TOKEN));
    expectLimited(await signIn(from, ADMIN_TOKEN));
    // Another address is not affected.
    expect((await signIn('127.0.0.3', ADMIN_TOKEN)).status).toBe(303);
    clock.now += WINDOW_MS;
    expect((await signIn(from, ADMIN_TOKEN)).status).toBe(303);
  });

  it('11 wrong Bearer tokens: the 11th is a 429 with Retry-After, and so is the right token, until the window ends', async () => {
    const from = '127.0.0.4';
    for (let i = 0; i < 10; i++)
      expect((await bearer(from, WRONG_TOKEN)).status, `attempt ${i + 1}`).toBe(
        401,
      );
    expectLimited(await bearer(from, WRONG_TOKEN));
    const refused = await bearer(from, ADMIN_TOKEN);
    expectLimited(refused);
    expect(refused.body).not.toContain('TEST_JOB'); // no catalog: the token was not checked
    expect((await bearer('127.0.0.5', ADMIN_TOKEN)).status).toBe(200);
    clock.now += WINDOW_MS;
    expect((await bearer(from, ADMIN_TOKEN)).status).toBe(200);
  });

  it('sign-ins and Bearer failures share an address’s count', async () => {
    const from = '127.0.0.6';
    for (let i = 0; i < 5; i++) {
      expect((await signIn(from, WRONG_TOKEN)).status).toBe(401);
      expect((await bearer(from, WRONG_TOKEN)).status).toBe(401);
    }
    expectLimited(await bearer(from, ADMIN_TOKEN));
    expectLimited(await signIn(from, ADMIN_TOKEN));
    clock.now += WINDOW_MS;
  });

  it('a correct token with no failures is never limited; successes do not count', async () => {
    const from = '127.0.0.7';
    for (let i = 0; i < 30; i++) {
      expect((await bearer(from, ADMIN_TOKEN)).status).toBe(200);
      expect((await signIn(from, ADMIN_TOKEN)).status).toBe(303);
    }
    // Nine failures after thirty successes still leave one to spare.
    for (let i = 0; i < 9; i++)
      expect((await bearer(from, WRONG_TOKEN)).status).toBe(401);
    expect((await bearer(from, ADMIN_TOKEN)).status).toBe(200);
  });
});
