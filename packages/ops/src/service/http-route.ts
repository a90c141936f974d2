import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * An extra route a service's HTTP server mounts beside its own (metrics on
 * the API and the worker's health port, the dashboard on the API). `path`
 * matches exactly, and as a prefix followed by `/`.
 */
export interface HttpRoute {
  path: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

/** The route serving `path`, if any. */
export function findRoute(
  routes: readonly HttpRoute[],
  path: string,
): HttpRoute | undefined {
  return routes.find(
    (route) => path === route.path || path.startsWith(`${route.path}/`),
  );
}
