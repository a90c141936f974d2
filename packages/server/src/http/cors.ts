import type { IncomingMessage, ServerResponse } from 'node:http';

const ALLOWED_HEADERS =
  'authorization, content-type, last-event-id, trpc-accept, x-trpc-source';

/**
 * CORS for an allow-list of browser origins. A request from a listed origin
 * gets `Access-Control-Allow-Origin` naming it; any other origin gets no
 * CORS header, so the browser withholds the answer. Returns true when it has
 * answered the request itself (a preflight).
 */
export function handleCors(
  req: IncomingMessage,
  res: ServerResponse,
  origins: ReadonlySet<string>,
): boolean {
  const origin = req.headers.origin;
  if (origins.size === 0 || origin === undefined) return false;
  res.setHeader('vary', 'Origin');
  if (!origins.has(origin)) return false;
  res.setHeader('access-control-allow-origin', origin);
  const preflight =
    req.method === 'OPTIONS' &&
    req.headers['access-control-request-method'] !== undefined;
  if (!preflight) return false;
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': ALLOWED_HEADERS,
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}
