import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { findRoute } from '../service/http-route.ts';
import { createMetricsRegistry } from './create-metrics-registry.ts';
import { metricsRoute } from './metrics-route.ts';
import type { MetricsRouteOptions } from './metrics-options.ts';

let server: Server | undefined;

async function serve(options: MetricsRouteOptions) {
  const metrics = createMetricsRegistry({ service: 'svc' });
  new Counter({ name: 'probe_total', help: 'probe', registers: [metrics] }).inc(
    3,
  );
  const routes = [metricsRoute(metrics, options)];
  server = createServer((req, res) => {
    const route = findRoute(routes, req.url ?? '/');
    if (route) void route.handle(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('metricsRoute', () => {
  it('serves the registry in the Prometheus text format, process metrics included', async () => {
    const response = await fetch(await serve({}));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const body = await response.text();
    expect(body).toContain('probe_total{service="svc"} 3');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('nodejs_eventloop_lag_seconds');
  });

  it('with a token, refuses a scrape without it or with another (401) and serves one with it', async () => {
    const url = await serve({ token: 's3cret-token' });
    const status = async (authorization?: string) =>
      (await fetch(url, authorization ? { headers: { authorization } } : {}))
        .status;
    expect(await status()).toBe(401);
    expect(await status('Bearer wrong')).toBe(401);
    expect(await status('s3cret-token')).toBe(401);
    expect(await status('Bearer s3cret-token')).toBe(200);
  });

  it('answers other methods with 405', async () => {
    const response = await fetch(await serve({}), { method: 'POST' });
    expect(response.status).toBe(405);
  });
});
