import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { REDIS_PRESETS } from '@conveyor/queue';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import {
  createTRPCClient,
  httpSubscriptionLink,
  TRPCClientError,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import { fastify, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAuthenticate } from '../src/auth/authenticate.ts';
import { conveyorPlugin } from '../src/fastify/conveyor-plugin.ts';
import { requestLog } from '../src/request-observer.ts';
import { startApiWithOptions } from './support/api-with-options.ts';
import type { FixtureClient, FixtureRouter } from './support/fixture-router.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';

const redisUrl = inject('redisUrl');
const adminToken = 'sse-connection-params-admin-0123456789';

/**
 * What a web app does: tRPC's own subscription link over an EventSource that
 * sends no headers at all; the token goes in `connectionParams` only.
 */
function browserLikeClient(apiUrl: string, token?: string) {
  return createTRPCClient<FixtureRouter>({
    links: [
      httpSubscriptionLink({
        url: `${apiUrl}/trpc`,
        transformer: superjson,
        EventSource,
        ...(token ? { connectionParams: { token } } : {}),
      }),
    ],
  });
}

type Outcome =
  | { kind: 'completed'; events: { type: string }[] }
  | { kind: 'error'; code: unknown };

/** Watches a job until the stream ends or fails; never reconnects past an error. */
function watch(
  client: ReturnType<typeof browserLikeClient>,
  id: string,
): Promise<Outcome> {
  const events: { type: string }[] = [];
  return new Promise((resolve) => {
    const sub = client.jobs.watch.subscribe(
      { id },
      {
        onData: (event) => events.push(event.data),
        onComplete: () => resolve({ kind: 'completed', events }),
        onError: (error) => {
          sub.unsubscribe();
          resolve({
            kind: 'error',
            code:
              error instanceof TRPCClientError
                ? (error.data as { code?: string } | undefined)?.code
                : String(error),
          });
        },
      },
    );
  });
}

describe('jobs.watch from a browser (connectionParams over SSE)', () => {
  let harness: Harness;
  let acme: FixtureClient;
  let acmeViewer: string;
  let globexViewer: string;
  const lines: string[] = [];
  let logged: Awaited<ReturnType<typeof startApiWithOptions>>;

  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      adminToken,
      processors: scriptedProcessors(),
    });
    const token = async (tenantId: string, role: 'viewer' | 'producer') =>
      (await harness.client.tokens.create.mutate({ tenantId, role })).token;
    acme = harness.clientWith(await token('acme', 'producer'));
    acmeViewer = await token('acme', 'viewer');
    globexViewer = await token('globex', 'viewer');
    // A second API over the same queues whose logs (debug and up) are kept.
    const logger = pino(
      { level: 'debug' },
      { write: (line: string) => void lines.push(line) },
    );
    logged = await startApiWithOptions(
      harness,
      {},
      {
        logger,
        observers: [requestLog(logger)],
        authenticate: createAuthenticate({
          tokens: harness.services.tokens,
          adminToken,
          adminTenant: 'default',
        }),
      },
    );
  });
  afterAll(async () => {
    await logged.close();
    await harness.close();
  });

  const digest = async () =>
    (
      await acme.enqueue.mutate({
        name: 'email.digest',
        data: {
          userId: 'slow-browser',
          period: 'daily',
          startDate: new Date('2026-11-21'),
          endDate: new Date('2026-11-22'),
        },
      })
    ).id;

  it('streams progress to a viewer whose token is in connectionParams', async () => {
    const id = await digest();
    const outcome = await watch(
      browserLikeClient(harness.apiUrl, acmeViewer),
      id,
    );
    expect(outcome.kind).toBe('completed');
    const types = outcome.kind === 'completed' ? outcome.events : [];
    expect(types.at(-1)).toMatchObject({ type: 'completed' });
  });

  it('keeps tenants apart and refuses a stream without a valid token', async () => {
    const id = await digest();
    const as = (token?: string) =>
      watch(browserLikeClient(harness.apiUrl, token), id);
    expect(await as(globexViewer)).toEqual({
      kind: 'error',
      code: 'NOT_FOUND',
    });
    expect(await as()).toEqual({ kind: 'error', code: 'UNAUTHORIZED' });
    expect(await as('not-a-real-token-0123456789')).toEqual({
      kind: 'error',
      code: 'UNAUTHORIZED',
    });
  });

  it('never takes a token from the URL of a query', async () => {
    const params = encodeURIComponent(JSON.stringify({ token: adminToken }));
    const input = encodeURIComponent(JSON.stringify({ json: {} }));
    const res = await fetch(
      `${harness.apiUrl}/trpc/queues.stats?input=${input}&connectionParams=${params}`,
    );
    expect(res.status).toBe(401);
  });

  it('refuses malformed connectionParams in its own words', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { id: 'x' } }));
    for (const params of ['{bad', JSON.stringify({ token: 1 })]) {
      const res = await fetch(
        `${harness.apiUrl}/trpc/jobs.watch?input=${input}&connectionParams=${encodeURIComponent(params)}`,
      );
      const text = await res.text();
      expect([params, res.status]).toEqual([params, 400]);
      expect(text).toMatch(/Malformed connectionParams/);
    }
  });

  it('logs the watch, never the token in its URL', async () => {
    const id = await digest();
    const client = browserLikeClient(logged.apiUrl, acmeViewer);
    expect((await watch(client, id)).kind).toBe('completed');
    const refused = browserLikeClient(logged.apiUrl, `${acmeViewer}x`);
    expect(await watch(refused, id)).toMatchObject({ code: 'UNAUTHORIZED' });
    const log = lines.join('\n');
    expect(log).toMatch(/"procedure":"jobs\.watch"/);
    expect(log).not.toContain(acmeViewer);
  });
});

describe('the Fastify plugin, for a browser watch', () => {
  const prefix = uniquePrefix('fastify-sse');
  const lines: string[] = [];
  let app: FastifyInstance;
  let apiUrl: string;
  beforeAll(async () => {
    // The host's own logger: Fastify logs every incoming request's URL.
    const loggerInstance: FastifyBaseLogger = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(line) },
    );
    app = fastify({ loggerInstance });
    await app.register(conveyorPlugin, {
      registry,
      redis: new Redis(redisUrl, REDIS_PRESETS.api),
      prefix,
      logger: pino({ level: 'silent' }),
      adminToken,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await deletePrefix(redisUrl, prefix);
  });

  it('authenticates by connectionParams and logs its URL redacted', async () => {
    // Past authentication, a job that is not there: NOT_FOUND, not a 401.
    const client = browserLikeClient(apiUrl, adminToken);
    expect(await watch(client, 'no-such-job')).toEqual({
      kind: 'error',
      code: 'NOT_FOUND',
    });
    expect(await watch(browserLikeClient(apiUrl), 'no-such-job')).toEqual({
      kind: 'error',
      code: 'UNAUTHORIZED',
    });
    const log = lines.join('\n');
    expect(log).toMatch(/jobs\.watch\?[^"]*connectionParams=\[redacted\]/);
    expect(log).not.toContain(adminToken);
  });
});
