import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpRoute } from '../service/http-route.ts';
import type {
  MetricsRegistry,
  MetricsRouteOptions,
} from './metrics-options.ts';

/**
 * `GET /metrics` in Prometheus's text format. With a token, a scrape
 * without `Authorization: Bearer <token>` is a 401 (compared in constant
 * time). Serialising reads only memory, plus the queue depth collector's
 * cached counts.
 */
export function metricsRoute(
  metrics: MetricsRegistry,
  options: MetricsRouteOptions = {},
): HttpRoute {
  const expected =
    options.token === undefined ? undefined : digest(options.token);
  return {
    path: options.path ?? '/metrics',
    async handle(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (expected && !authorized(req.headers.authorization, expected)) {
        res
          .writeHead(401, {
            'content-type': 'text/plain',
            'www-authenticate': 'Bearer realm="metrics"',
          })
          .end('Missing or invalid metrics token\n');
        return;
      }
      const body = await metrics.metrics();
      res.writeHead(200, {
        'content-type': metrics.contentType,
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // Hashes have one length, so the comparison never leaks the token's.
  return (
    match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected)
  );
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
