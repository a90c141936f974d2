import { getFreePort, startRedisServer, waitFor } from '@conveyor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { faultHarness, type FaultHarness } from './support/fault-harness.ts';

interface Probe {
  status: number;
  body: { status?: string; reasons?: string[] };
}

async function probe(port: number, path: string): Promise<Probe> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    signal: AbortSignal.timeout(5_000),
  });
  return { status: res.status, body: (await res.json()) as Probe['body'] };
}

describe('worker health endpoint (real daemon, private Redis)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function daemonWithHealth(redisUrl: string, label: string) {
    const h: FaultHarness = faultHarness(redisUrl, label);
    cleanup.push(() => h.close());
    const port = await getFreePort();
    const daemon = h.start({ WORKER_HEALTH_PORT: String(port) });
    await h.ready(daemon);
    return { h, port };
  }

  it('/readyz is 503 while Redis is down and 200 again once it is back; /healthz stays 200', async () => {
    const redis = await startRedisServer();
    cleanup.push(() => redis.stop());
    const { port } = await daemonWithHealth(redis.url, 'health-redis');
    expect((await probe(port, '/readyz')).status).toBe(200);

    await redis.stop();
    const down = await waitFor(
      async () => {
        const p = await probe(port, '/readyz');
        return p.status === 503 ? p : undefined;
      },
      5_000,
      '/readyz 503',
    );
    expect(down.body.reasons?.[0]).toMatch(/^redis connection is /);
    expect(await probe(port, '/healthz')).toEqual({
      status: 200,
      body: { status: 'ok' },
    });

    const back = await startRedisServer({ port: redis.port });
    cleanup.push(() => back.stop());
    const up = await waitFor(
      async () => {
        const p = await probe(port, '/readyz');
        return p.status === 200 ? p : undefined;
      },
      10_000,
      '/readyz 200 again',
    );
    expect(up.body).toMatchObject({ status: 'ready', reasons: [] });
  });

  it('/readyz is 503 when the event loop was blocked past the limit', async () => {
    const redis = await startRedisServer();
    cleanup.push(() => redis.stop());
    const { h, port } = await daemonWithHealth(redis.url, 'health-lag');
    const { id } = await h.producer.enqueue({
      name: 'fault.block',
      data: { ms: 2_000 },
    });
    await waitFor(() =>
      h.linesOf(id, 'fault job started').length > 0 ? true : undefined,
    );
    // Sent while the loop is blocked: answered right after, with the lag seen.
    const during = await probe(port, '/readyz');
    expect(during.status).toBe(503);
    expect(during.body.reasons?.[0]).toMatch(/^event loop lagged \d+ ms/);
    const after = await waitFor(async () => {
      const p = await probe(port, '/readyz');
      return p.status === 200 ? p : undefined;
    });
    expect(after.body.status).toBe('ready');
  });
});
