import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAuthenticate } from '../src/auth/authenticate.ts';
import { startApiWithOptions } from './support/api-with-options.ts';
import { startHarness, type Harness } from './support/harness.ts';

const redisUrl = inject('redisUrl');
const adminToken = 'cors-and-bearer-admin-token-0123456789';
const app = 'https://app.example.com';
const statsInput = encodeURIComponent(JSON.stringify({ json: null }));

/** The field names of a `Vary` header, lower-cased. */
const varyOf = (res: Response) =>
  (res.headers.get('vary') ?? '')
    .split(',')
    .map((field) => field.trim().toLowerCase());

describe('CORS answers vary on Origin', () => {
  let harness: Harness;
  let api: Awaited<ReturnType<typeof startApiWithOptions>>;
  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken });
    api = await startApiWithOptions(
      harness,
      { corsOrigins: [app] },
      {
        authenticate: createAuthenticate({
          tokens: harness.services.tokens,
          adminToken,
          adminTenant: 'default',
        }),
      },
    );
  });
  afterAll(async () => {
    await api.close();
    await harness.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${api.apiUrl}/trpc/${path}`, {
      headers: { authorization: `Bearer ${adminToken}`, ...headers },
    });

  it('lets a preflight send trace context', async () => {
    const res = await fetch(`${api.apiUrl}/trpc/enqueue`, {
      method: 'OPTIONS',
      headers: {
        origin: app,
        'access-control-request-method': 'POST',
        'access-control-request-headers':
          'authorization, content-type, traceparent, tracestate',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(app);
    const allowed = res.headers
      .get('access-control-allow-headers')
      ?.split(',')
      .map((h) => h.trim());
    expect(allowed).toEqual(
      expect.arrayContaining(['traceparent', 'tracestate', 'authorization']),
    );
    expect(varyOf(res)).toContain('origin');
  });

  it('keeps Vary: Origin beside tRPC’s own Vary on queries and mutations', async () => {
    const query = await get(`queues.stats?input=${statsInput}`, {
      origin: app,
    });
    expect(query.status).toBe(200);
    expect(query.headers.get('access-control-allow-origin')).toBe(app);
    expect(varyOf(query)).toEqual(
      expect.arrayContaining(['origin', 'trpc-accept']),
    );
    const mutation = await fetch(`${api.apiUrl}/trpc/enqueue`, {
      method: 'POST',
      headers: {
        origin: app,
        authorization: `Bearer ${adminToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        json: { name: 'TEST_JOB', data: { message: 'cors' } },
      }),
    });
    expect(mutation.status).toBe(200);
    expect(varyOf(mutation)).toEqual(
      expect.arrayContaining(['origin', 'trpc-accept']),
    );
  });

  it('varies on Origin for refusals, strangers, no origin and streams', async () => {
    const refused = await fetch(
      `${api.apiUrl}/trpc/queues.stats?input=${statsInput}`,
      { headers: { origin: app } },
    );
    expect(refused.status).toBe(401);
    expect(varyOf(refused)).toContain('origin');
    const stranger = await get(`queues.stats?input=${statsInput}`, {
      origin: 'https://evil.example',
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    expect(varyOf(stranger)).toContain('origin');
    const none = await get(`queues.stats?input=${statsInput}`);
    expect(varyOf(none)).toContain('origin');
    const controller = new AbortController();
    const watchInput = encodeURIComponent(
      JSON.stringify({ json: { id: 'no-such-job' } }),
    );
    const stream = await fetch(
      `${api.apiUrl}/trpc/jobs.watch?input=${watchInput}`,
      {
        headers: { origin: app, authorization: `Bearer ${adminToken}` },
        signal: controller.signal,
      },
    );
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(varyOf(stream)).toContain('origin');
    controller.abort();
  });
});

describe('Authorization scheme', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken });
  });
  afterAll(() => harness.close());

  const statsWith = (authorization: string) =>
    fetch(`${harness.apiUrl}/trpc/queues.stats?input=${statsInput}`, {
      headers: { authorization },
    });

  it('takes the Bearer scheme in any case (RFC 9110)', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR'])
      expect([
        scheme,
        (await statsWith(`${scheme} ${adminToken}`)).status,
      ]).toEqual([scheme, 200]);
  });

  it('still refuses other schemes and wrong tokens', async () => {
    for (const header of [
      `Basic ${adminToken}`,
      `bearer ${adminToken}x`,
      `bearer`,
      adminToken,
    ])
      expect([header, (await statsWith(header)).status]).toEqual([header, 401]);
  });
});
