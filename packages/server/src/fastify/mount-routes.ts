import type { HttpRoute } from '@conveyor/ops';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

export interface MountRoutesOptions {
  routes: readonly HttpRoute[];
  logger: Logger;
}

/**
 * Serves `HttpRoute`s (each at its path and below it) from Fastify, in an
 * encapsulated scope: the routes answer on the raw request and response, so
 * Fastify neither reads their bodies nor sends for them.
 */
export function mountRoutes(
  app: FastifyInstance,
  options: MountRoutesOptions,
): Promise<void> {
  const { routes, logger } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (req, payload, done) => {
    done(null);
  });
  for (const route of routes) {
    const serve = (req: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      const res = reply.raw;
      void Promise.resolve(route.handle(req.raw, res)).catch(
        (error: unknown) => {
          logger.error({ err: error, path: route.path }, 'route failed');
          if (res.headersSent) return;
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'Internal error' }));
        },
      );
    };
    app.all(route.path, serve);
    app.all(`${route.path}/*`, serve);
  }
  return Promise.resolve();
}
