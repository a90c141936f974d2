import type { IncomingMessage, ServerResponse } from 'node:http';

// traceparent/tracestate: W3C trace context, sent by browser OpenTelemetry.
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'last-event-id',
  'traceparent',
  'tracestate',
  'trpc-accept',
  'x-conveyor-tenant',
  'x-trpc-source',
].join(', ');

/**
 * CORS for an allow-list of browser origins. A request from a listed origin
 * gets `Access-Control-Allow-Origin` naming it; any other origin gets no
 * CORS header, so the browser withholds the answer. Returns true when it has
 * answered the request itself (a preflight).
 *
 * With CORS on, every answer varies on `Origin` (one without it too: a
 * cache must not hand an answer made for no origin to a listed one).
 */
export function handleCors(
  req: IncomingMessage,
  res: ServerResponse,
  origins: ReadonlySet<string>,
): boolean {
  if (origins.size === 0) return false;
  varyOnOrigin(res);
  const origin = req.headers.origin;
  if (origin === undefined || !origins.has(origin)) return false;
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

/**
 * tRPC (and the enqueue fast path) set their own `Vary: trpc-accept, accept`
 * with `setHeader`, which replaces ours: this response keeps `Origin` in
 * every `Vary` it is given.
 */
function varyOnOrigin(res: ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) =>
    setHeader(name, name.toLowerCase() === 'vary' ? withOrigin(value) : value);
  res.setHeader('vary', 'Origin');
}

function withOrigin(value: number | string | readonly string[]): string {
  const fields = [value]
    .flat()
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const has = fields.some((f) => f.toLowerCase() === 'origin' || f === '*');
  return (has ? fields : [...fields, 'Origin']).join(', ');
}
