import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createConveyorClient } from '@conveyor/client';
import {
  createKeyspace,
  createRedisClient,
  createWorkerPool,
  REDIS_PRESETS,
  type WorkerPool,
} from '@conveyor/queue';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { fastify, type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { conveyorPlugin } from '../src/fastify/conveyor-plugin.ts';
import { postJson, rawRequest } from './support/raw-http.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';
import { request } from 'node:http';
import type { FixtureRouter } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const silent = pino({ level: 'silent' });
const testJobCall = (message: string) => ({
  json: { name: 'TEST_JOB', data: { message } },
});

/**
 * Open connections named after the prefix: the plugin's own client (the
 * name its duplicates inherit) and BullMQ's (`<prefix>:<queue>`).
 */
async function openConnections(prefix: string): Promise<number> {
  const admin = new Redis(redisUrl);
  try {
    const list = await admin.client('LIST');
    return String(list)
      .split('\n')
      .filter((line) => line.includes(` name=${prefix}`)).length;
  } finally {
    admin.disconnect();
  }
}

describe('the Fastify plugin', () => {
  const prefix = uniquePrefix('fastify');
  const connectionName = `${prefix}-plugin`;
  let app: FastifyInstance;
  let apiUrl: string;
  let workerRedis: Redis;
  let pool: WorkerPool;

  beforeAll(async () => {
    app = fastify({ logger: false });
    // The host's own routes, with Fastify's own JSON parser.
    app.post('/echo', (req) => ({ got: req.body }));
    await app.register(conveyorPlugin, {
      registry,
      redis: new Redis(redisUrl, { ...REDIS_PRESETS.api, connectionName }),
      prefix,
      logger: silent,
      dashboard: true,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    workerRedis = createRedisClient(redisUrl, { preset: 'worker' });
    pool = createWorkerPool({
      registry,
      processors: scriptedProcessors(),
      redis: workerRedis,
      keys: createKeyspace(prefix),
      logger: silent,
    });
    await pool.ready();
  });
  afterAll(async () => {
    await pool.close(); // both are no-ops after the last test
    workerRedis.disconnect();
    await app.close();
    await deletePrefix(redisUrl, prefix);
  });

  it('serves an enqueue over HTTP and one in process, both run', async () => {
    const client = createConveyorClient<FixtureRouter>({
      url: `${apiUrl}/trpc`,
    });
    const remote = await client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'over http' },
    });
    const local = await app.conveyor.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'in process' },
    });
    for (const { id } of [remote, local]) {
      const job = await waitFor(async () => {
        const view = await client.jobs.get.query({ id });
        return view.state === 'completed' ? view : undefined;
      });
      expect(job.result).toEqual({
        echoed: id === remote.id ? 'over http' : 'in process',
      });
    }
    // Subscriptions stream through Fastify too (SSE): watch to the end.
    const watched = await new Promise<string[]>((resolve, reject) => {
      const states: string[] = [];
      client.jobs.watch.subscribe(
        { id: remote.id },
        {
          onData: (event) => states.push(event.data.type),
          onError: reject,
          onComplete: () => resolve(states),
        },
      );
    });
    expect(watched.at(-1)).toBe('completed');
    const invalid = await app.conveyor.client.enqueue
      .mutate({ name: 'sms.send', data: { to: 'x', message: 'y' } })
      .catch((error: unknown) => error);
    expect(invalid).toMatchObject({ data: { code: 'BAD_REQUEST' } });
  });

  it('keeps the standalone server’s limits and leaves the host’s routes alone', async () => {
    const huge = await postJson(
      apiUrl,
      'enqueue',
      JSON.stringify(testJobCall('x'.repeat(1_100_000))),
    );
    expect(huge.status).toBe(413);
    expect(huge.json).toMatchObject({
      error: {
        json: {
          message: 'Request body too large',
          data: { code: 'PAYLOAD_TOO_LARGE' },
        },
      },
    });
    const input = encodeURIComponent(JSON.stringify({}));
    const batch = await rawRequest(
      `${apiUrl}/trpc/${Array(51).fill('jobs.get').join(',')}?batch=1&input=${input}`,
    );
    expect(batch.status).toBe(400);
    expect(batch.text).toMatch(/Too many calls in one batched request/);
    const form = await rawRequest(`${apiUrl}/trpc/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(form.status).toBe(415);
    const put = await rawRequest(`${apiUrl}/trpc/enqueue`, { method: 'PUT' });
    expect(put.status).toBe(405);
    const echo = await rawRequest(`${apiUrl}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(echo.json).toEqual({ got: { a: 1 } });
  });

  it('mounts the dashboard, which sends a browser to its sign-in', async () => {
    const board = await rawRequest(`${apiUrl}/admin`, {
      headers: { accept: 'text/html', host: new URL(apiUrl).host },
    });
    expect([board.status, board.headers.location]).toEqual([
      303,
      '/admin/login',
    ]);
    const login = await rawRequest(`${apiUrl}/admin/login`);
    expect(login.status).toBe(200);
    expect(login.headers['x-frame-options']).toBe('DENY');
    // Its form's body reaches it unread by Fastify: a session cookie back.
    const { host, origin } = new URL(apiUrl);
    const signedIn = await rawRequest(`${apiUrl}/admin/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        host,
        origin,
      },
      body: 'token=anything',
    });
    expect(signedIn.status).toBe(303);
    expect(String(signedIn.headers['set-cookie'])).toMatch(/^\S+=\S+/);
  });

  it('without an admin token serves only callers addressing a loopback name; with one, only tokens', async () => {
    // node:http, not fetch: fetch does not let a caller set Host.
    const stats = (url: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${url}/trpc/queues.stats`, { headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    // A request that names another host (a public bind, a rebound DNS name).
    expect(await stats(apiUrl, { host: 'conveyor.example.com' })).toBe(401);
    expect(await stats(apiUrl, {})).toBe(200);

    const locked = fastify({ logger: false });
    const adminToken = 'a'.repeat(40);
    await locked.register(conveyorPlugin, {
      registry,
      redisUrl,
      prefix,
      logger: silent,
      adminToken,
    });
    await locked.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(locked.server.address() as AddressInfo).port}`;
    try {
      expect(await stats(url, {})).toBe(401);
      expect(await stats(url, { authorization: `Bearer ${adminToken}` })).toBe(
        200,
      );
    } finally {
      await locked.close();
    }
  });

  it('limits failed tokens per client address as the standalone server does (429 with Retry-After)', async () => {
    const limited = fastify({ logger: false });
    const adminToken = 'b'.repeat(40);
    await limited.register(conveyorPlugin, {
      registry,
      redisUrl,
      prefix,
      logger: silent,
      adminToken,
      authFailures: { maxFailures: 3, windowMs: 600_000 },
    });
    await limited.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(limited.server.address() as AddressInfo).port}/trpc/queues.stats`;
    const stats = (token: string) =>
      new Promise<{ status: number; retryAfter: string | undefined }>(
        (resolve, reject) => {
          const headers = { authorization: `Bearer ${token}` };
          const req = request(url, { headers }, (res) => {
            res.resume();
            const retryAfter = res.headers['retry-after'];
            resolve({ status: res.statusCode ?? 0, retryAfter });
          });
          req.on('error', reject);
          req.end();
        },
      );
    try {
      expect((await stats(adminToken)).status).toBe(200);
      for (let i = 0; i < 3; i++)
        expect((await stats('c'.repeat(40))).status).toBe(401);
      for (const token of ['c'.repeat(40), adminToken]) {
        const refused = await stats(token);
        expect(refused.status).toBe(429);
        expect(Number(refused.retryAfter)).toBeGreaterThan(0);
        expect(Number(refused.retryAfter)).toBeLessThanOrEqual(600);
      }
    } finally {
      await limited.close();
    }
  });

  it('closes every queue and Redis connection on app.close()', async () => {
    await pool.close();
    workerRedis.disconnect();
    // The plugin's own connection is still open (its queues share it).
    const until = (ok: (open: number) => boolean) =>
      waitFor(async () => {
        const open = await openConnections(prefix);
        return ok(open) ? open : undefined;
      });
    expect(await until((open) => open > 0)).toBeGreaterThan(0);
    await app.close();
    expect(await until((open) => open === 0)).toBe(0);
  });
});
