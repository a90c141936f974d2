import { createBullBoard } from '@bull-board/api';
import type { BaseAdapter } from '@bull-board/api/baseAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { HttpRoute } from '@conveyor/ops';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { boardAction, sendJson } from './board-actions.ts';
import { boardPath } from './board-path.ts';
import { contractSchemas, queuePresentation } from './contract-schemas.ts';
import type { DashboardOptions } from './dashboard-options.ts';
import { SessionCodec } from './dashboard-session.ts';
import { SessionCheck } from './session-check.ts';
import { signIn, signOut } from './sign-in.ts';

export interface Dashboard {
  /** For `createApiServer({ routes })`. */
  route: HttpRoute;
  /** The same, for any host: a request whose path starts with the base path. */
  handler(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

type Express = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

const EIGHT_HOURS_MS = 8 * 60 * 60 * 1_000;
const ONE_MINUTE_MS = 60_000;

/**
 * Bull Board behind a sign-in: the queues with payloads, results and
 * progress decoded, for admin tokens only (the board cannot filter a
 * queue's jobs by tenant). Retry and add-job go through Conveyor.
 */
// eslint-disable-next-line max-lines-per-function -- 95 lines: createDashboard split pending (issue #18)
export function createDashboard(options: DashboardOptions): Dashboard {
  const base = options.basePath ?? '/admin';
  const { services, logger } = options;
  const schemas = contractSchemas(services.registry);
  const readOnly = options.readOnly ?? false;
  const adapters = services.dashboardAdapters({
    readOnly,
    queues: queuePresentation(schemas, base),
  });
  const board = new ExpressAdapter();
  board.setBasePath(base);
  createBullBoard({
    queues: adapters,
    serverAdapter: board,
    options: {
      uiConfig: {
        boardTitle: 'Conveyor',
        hideDocsLink: true,
        miscLinks: [
          { text: 'Job schemas', url: `${base}/schemas` },
          { text: 'Sign out', url: `${base}/logout` },
        ],
      },
    },
  });
  const app = board.getRouter() as Express;
  const byName = new Map<string, BaseAdapter>(
    adapters.map((adapter) => [adapter.getName(), adapter]),
  );
  const sessions = new SessionCodec(
    options.sessionSecret,
    options.sessionTtlMs ?? EIGHT_HOURS_MS,
  );
  const check = new SessionCheck(
    services.tokens,
    options.sessionRecheckMs ?? ONE_MINUTE_MS,
  );
  const auth = {
    base,
    sessions,
    authenticate: options.authenticate,
    secure: options.secureCookie ?? false,
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const sub = url.pathname.slice(base.length) || '/';
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-frame-options', 'DENY');
    // Not no-referrer: that makes a browser send `Origin: null` with the form.
    res.setHeader('referrer-policy', 'same-origin');
    if (!sameOrigin(req)) return sendJson(res, 403, { error: 'Cross-site' });
    const path = boardPath(sub);
    if (!path) return sendJson(res, 400, { error: 'Malformed path' });
    const page = path.words.join('/');
    if (page === 'login') return signIn(req, res, auth);
    if (page === 'logout') return signOut(res, auth);
    const isApi = path.words[0] === 'api';
    const session = sessions.read(req.headers.cookie);
    const changes = req.method !== 'GET' && req.method !== 'HEAD';
    let principal;
    try {
      principal = session && (await check.principal(session, changes));
    } catch (error) {
      logger.warn({ err: error }, 'dashboard session not checked');
      return sendJson(res, 503, { error: 'Redis is unavailable: try again' });
    }
    if (!principal || principal.role !== 'admin')
      return unauthenticated(res, base, isApi);
    if (page === 'schemas') return sendJson(res, 200, schemas);
    if (isApi) {
      const api = {
        segments: path.segments.slice(1),
        words: path.words.slice(1),
      };
      const context = { api, readOnly, services, adapters: byName, principal };
      if (await boardAction(req, res, context)) return;
    }
    req.url = `${sub}${url.search}`;
    app(req, res, (error) => {
      if (error) logger.error({ err: error }, 'dashboard failed');
      if (!res.headersSent) sendJson(res, error ? 500 : 404, {});
    });
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'dashboard failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error' });
      else res.end();
    });
  };
  return {
    route: { path: base, handle: handler },
    handler,
    // The queues belong to the services, which close them.
    close: () => Promise.resolve(),
  };
}

/** Pages go to the sign-in form; the board's API calls get a 401. */
function unauthenticated(
  res: ServerResponse,
  base: string,
  isApi: boolean,
): void {
  if (isApi) {
    sendJson(res, 401, { error: 'Sign in at the dashboard first' });
    return;
  }
  res.writeHead(303, { location: `${base}/login` });
  res.end();
}

/**
 * SameSite=Strict keeps the cookie off cross-site requests already; this
 * also refuses a state-changing request a browser says came from elsewhere.
 */
function sameOrigin(req: IncomingMessage): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  if (req.headers['sec-fetch-site'] === 'cross-site') return false;
  const origin = req.headers.origin;
  if (!origin) return true;
  return URL.canParse(origin) && new URL(origin).host === req.headers.host;
}
