import type { FastifyRequest } from 'fastify';
import { redactUrl } from '../http/redact-url.ts';

/**
 * Fastify's own `req` log serializer, with the URL redacted: a watch
 * stream's token may ride in its query string (`connectionParams`), and
 * Fastify logs every incoming request's URL.
 */
export function serializeRequestForLog(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    version: req.headers['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket.remotePort,
  };
}
