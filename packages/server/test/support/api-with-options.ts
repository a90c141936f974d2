import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { HttpRoute } from '@conveyor/ops';
import type { Logger } from '@conveyor/queue';
import type { Authenticate } from '../../src/auth/authenticate.ts';
import type { HttpOptions } from '../../src/http/http-options.ts';
import type { RequestObserver } from '../../src/request-observer.ts';
import { createApiServer } from '../../src/server.ts';
import type { Harness } from './harness.ts';

/**
 * A second API server over a harness's queues, with its own HTTP options
 * (timeouts, CORS, limits): the harness's server keeps the defaults.
 */
export async function startApiWithOptions(
  harness: Harness,
  http: Partial<HttpOptions>,
  extra: {
    observers?: readonly RequestObserver[];
    routes?: readonly HttpRoute[];
    authenticate?: Authenticate;
    logger?: Logger;
  } = {},
): Promise<{ apiUrl: string; close(): Promise<void> }> {
  const server = createApiServer({
    services: harness.services,
    logger: extra.logger ?? pino({ level: 'silent' }),
    http,
    ...extra,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
