import { createConveyorClient } from '@conveyor/client';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createAuthenticate } from '../src/auth/authenticate.ts';
import { requestLog, type ObservedCall } from '../src/request-observer.ts';
import { createApiServer } from '../src/server.ts';
import { startHarness, type Harness } from './support/harness.ts';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { FixtureRouter } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');
let harness: Harness;
let server: Server;
let url: string;
const calls: ObservedCall[] = [];
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  harness = await startHarness(redisUrl, { adminToken });
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) =>
        void lines.push(JSON.parse(line) as Record<string, unknown>),
    },
  );
  server = createApiServer({
    services: harness.services,
    logger,
    observers: [requestLog(logger), (call) => void calls.push(call)],
    authenticate: createAuthenticate({
      tokens: harness.services.tokens,
      adminToken,
      adminTenant: 'default',
    }),
    routes: [
      {
        path: '/extra',
        handle: (_req, res) => void res.writeHead(204).end(),
      },
    ],
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await harness.close();
});

it('logs one line per call: procedure, status, duration, tenant; never the payload or the token', async () => {
  const admin = createConveyorClient<FixtureRouter>({
    url: `${url}/trpc`,
    token: adminToken,
  });
  const secretMessage = 'do-not-log-this-payload';
  await admin.enqueue.mutate({
    name: 'TEST_JOB',
    data: { message: secretMessage },
  });
  await admin.jobs.get.query({ id: 'nope' }).catch(() => undefined);
  const anonymous = createConveyorClient<FixtureRouter>({ url: `${url}/trpc` });
  await anonymous.queues.stats.query().catch(() => undefined);

  expect(calls.map((c) => [c.procedure, c.status, c.tenant])).toEqual([
    ['enqueue', 200, 'default'],
    ['jobs.get', 404, 'default'],
    ['queues.stats', 401, null],
  ]);
  const requestLines = lines.filter((l) => l.msg === 'request');
  expect(requestLines).toHaveLength(3);
  expect(requestLines[0]).toMatchObject({
    procedure: 'enqueue',
    type: 'mutation',
    status: 200,
    tenant: 'default',
  });
  expect(requestLines[0]?.durationMs).toBeGreaterThan(0);
  expect(requestLines[1]).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  const all = JSON.stringify(lines);
  expect(all).not.toContain(secretMessage);
  expect(all).not.toContain(adminToken);
});

it('records the tenant auth settled, never a header it refused', async () => {
  calls.length = 0;
  const anonymous = createConveyorClient<FixtureRouter>({
    url: `${url}/trpc`,
    tenant: 'evil',
  });
  await anonymous.queues.stats.query().catch(() => undefined);
  const admin = createConveyorClient<FixtureRouter>({
    url: `${url}/trpc`,
    token: adminToken,
    tenant: 'acme',
  });
  await admin.queues.stats.query();
  expect(calls.map((c) => [c.status, c.tenant])).toEqual([
    [401, null],
    [200, 'acme'],
  ]);
});

it('serves mounted routes beside tRPC and the health routes', async () => {
  expect((await fetch(`${url}/extra`)).status).toBe(204);
  expect((await fetch(`${url}/extra/deeper`)).status).toBe(204);
  expect((await fetch(`${url}/extras`)).status).toBe(404);
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
});
