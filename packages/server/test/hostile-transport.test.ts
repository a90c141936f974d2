import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpOptionsFromEnv, readApiEnv } from '../src/env.ts';
import { startApiWithOptions } from './support/api-with-options.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { postJson, rawRequest } from './support/raw-http.ts';

const redisUrl = inject('redisUrl');
type ErrorBody = {
  error: { json: { message: string; data: Record<string, unknown> } };
};
const errorOf = (json: unknown) => (json as ErrorBody).error.json;

describe('transport hygiene', () => {
  let harness: Harness;
  let tuned: Awaited<ReturnType<typeof startApiWithOptions>>;
  beforeAll(async () => {
    harness = await startHarness(redisUrl);
    tuned = await startApiWithOptions(harness, {
      corsOrigins: ['https://app.example.com'],
      headersTimeoutMs: 500,
      requestTimeoutMs: 500,
      timeoutCheckIntervalMs: 100,
    });
  });
  afterAll(async () => {
    await tuned.close();
    await harness.close();
  });

  it('answers 405 with Allow to methods other than GET and POST', async () => {
    for (const method of ['TRACE', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await rawRequest(`${harness.apiUrl}/trpc/jobs.get`, {
        method,
      });
      expect([method, res.status, res.headers.allow]).toEqual([
        method,
        405,
        'GET, POST',
      ]);
      expect(errorOf(res.json).data.code).toBe('METHOD_NOT_SUPPORTED');
    }
  });

  it('answers 415 to a POST that is not JSON', async () => {
    const res = await rawRequest(`${harness.apiUrl}/trpc/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x--',
    });
    expect(res.status).toBe(415);
  });

  it('bounds lastEventId (was a 500 from Redis)', async () => {
    const input = encodeURIComponent(
      JSON.stringify({
        json: { id: 'no-such-job', lastEventId: `1-${'9'.repeat(5_000)}` },
      }),
    );
    const res = await fetch(
      `${harness.apiUrl}/trpc/jobs.watch?input=${input}`,
      { signal: AbortSignal.timeout(5_000) },
    );
    const text = await res.text();
    expect(text).toMatch(/BAD_REQUEST/);
    expect(text).toMatch(/lastEventId/);
    expect(text).not.toMatch(/INTERNAL_SERVER_ERROR|ERR /);
  });

  it('speaks its own words, never the exception text', async () => {
    const notJson = await postJson(harness.apiUrl, 'enqueue', '{"json":');
    expect(errorOf(notJson.json).message).toBe(
      'Malformed request: the body is not valid JSON',
    );
    const noSuch = await rawRequest(`${harness.apiUrl}/trpc/%3Cscript%3E`);
    expect(noSuch.status).toBe(404);
    expect(errorOf(noSuch.json).message).toBe('Not found: no such procedure');
    const notObject = await postJson(harness.apiUrl, 'enqueue', 'null');
    expect(notObject.status).toBe(400);
    expect(notObject.text).not.toMatch(/destructure|is not a function/);
  });

  it('sends no header naming a framework', async () => {
    const res = await rawRequest(`${harness.apiUrl}/healthz`);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers.server).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers CORS only for listed origins, preflight included', async () => {
    const preflight = await rawRequest(`${tuned.apiUrl}/trpc/enqueue`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(
      'https://app.example.com',
    );
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, POST');
    const stranger = await rawRequest(`${tuned.apiUrl}/trpc/enqueue`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
      },
    });
    expect(stranger.status).toBe(405);
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    const off = await rawRequest(`${harness.apiUrl}/healthz`, {
      headers: { origin: 'https://app.example.com' },
    });
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('cuts off a client that trickles its headers', async () => {
    const socket = connect(Number(new URL(tuned.apiUrl).port), '127.0.0.1');
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    // No clock: without the header timeout the socket stays open and the test times out.
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('keeps an SSE watch open well past requestTimeout', async () => {
    const { id } = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'later' },
      options: { delay: 60_000 },
    });
    const input = encodeURIComponent(JSON.stringify({ json: { id } }));
    const controller = new AbortController();
    const res = await fetch(`${tuned.apiUrl}/trpc/jobs.watch?input=${input}`, {
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    let pending = reader.read();
    // requestTimeout is 500 ms; tRPC's first ping comes after 2 s. Read until
    // it arrives (or a deadline for a loaded machine), not for a fixed time.
    const until = performance.now() + 30_000;
    while (performance.now() < until && !/event: ping/.test(text)) {
      const chunk = await Promise.race([
        pending,
        new Promise<null>((r) => setTimeout(() => r(null), 200)),
      ]);
      if (chunk === null) continue;
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value as Uint8Array);
      pending = reader.read();
    }
    // The read still pending when the stream is cut rejects: that is expected.
    pending.catch(() => undefined);
    controller.abort();
    // tRPC pings every 2 s: a ping after 2 s proves the stream outlived the timeout.
    expect(text).toMatch(/event: ping/);
  });
});

describe('HTTP limits from the environment', () => {
  it('defaults to 1 MiB bodies, 50 calls per batch, no CORS', () => {
    expect(httpOptionsFromEnv(readApiEnv({}))).toEqual({
      maxBodyBytes: 1_048_576,
      maxBatchCalls: 50,
      corsOrigins: [],
    });
  });

  it('reads a comma-separated origin list and refuses one with a path', () => {
    const env = readApiEnv({
      API_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
      API_MAX_BODY_BYTES: '2048',
      API_MAX_BATCH_CALLS: '10',
    });
    expect(httpOptionsFromEnv(env)).toEqual({
      maxBodyBytes: 2_048,
      maxBatchCalls: 10,
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
    });
    expect(() =>
      readApiEnv({ API_CORS_ORIGINS: 'https://app.example.com/path' }),
    ).toThrow(/API_CORS_ORIGINS/);
    expect(() => readApiEnv({ API_MAX_BODY_BYTES: '10' })).toThrow(
      /API_MAX_BODY_BYTES/,
    );
  });
});
