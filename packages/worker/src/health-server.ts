import { findRoute } from '@conveyor/ops';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { watchEventLoopLag } from './event-loop-lag.ts';
import type { HealthServerOptions } from './health-server-options.ts';

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `GET /healthz`: 200 while the process runs. `GET /readyz`: 200 while the
 * worker's Redis connection is ready, its event loop keeps up (a loop
 * that lags cannot renew job locks) and the progress watchdog does not
 * object, else 503; the JSON body says why.
 */
export async function startHealthServer(
  options: HealthServerOptions,
): Promise<HealthServer> {
  const lag = watchEventLoopLag();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = findRoute(options.routes ?? [], path);
    if (route) {
      void Promise.resolve(route.handle(req, res)).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    const [status, body] =
      req.method !== 'GET'
        ? [405, { error: 'method not allowed' }]
        : path === '/healthz'
          ? [200, { status: 'ok' }]
          : path === '/readyz'
            ? readiness(options, lag.lastMs())
            : [404, { error: 'not found' }];
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await listen(server, options.port, options.host);
  const { port } = server.address() as AddressInfo;
  options.logger.info(
    { host: options.host, port },
    'health endpoint listening',
  );
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        lag.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readiness(
  { redis, maxLagMs, reasons: more }: HealthServerOptions,
  lagMs: number,
): [number, Record<string, unknown>] {
  const reasons: string[] = [];
  if (redis.status !== 'ready')
    reasons.push(`redis connection is ${redis.status}`);
  if (lagMs > maxLagMs)
    reasons.push(
      `event loop lagged ${Math.round(lagMs)} ms (limit ${maxLagMs} ms)`,
    );
  reasons.push(...(more?.() ?? []));
  const ready = reasons.length === 0;
  return [
    ready ? 200 : 503,
    {
      status: ready ? 'ready' : 'unavailable',
      redis: redis.status,
      eventLoopLagMs: Math.round(lagMs),
      reasons,
    },
  ];
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
