import type { BaseAdapter } from '@bull-board/api/baseAdapter';
import type { HttpRoute } from '@conveyor/ops';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { boardAction, sendJson } from './board-actions.ts';
import { boardPath } from './board-path.ts';
import { findConsoleAssets, sendConsoleFile } from './console-assets.ts';
import { createConsoleTrpc, type ConsoleTrpc } from './console-trpc.ts';
import { contractSchemas, queuePresentation } from './contract-schemas.ts';
import type { DashboardOptions } from './dashboard-options.ts';
import { SessionCodec } from './dashboard-session.ts';
import { mountBoard, type Express } from './mount-board.ts';
import { sendSchemas } from './schemas-page.ts';
import { SessionCheck } from './session-check.ts';
import { boardRefusal, signIn, signOut } from './sign-in.ts';

export interface Dashboard {
  /** For `createApiServer({ routes })`. */
  route: HttpRoute;
  /** The same, for any host: a request whose path starts with the base path. */
  handler(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

const EIGHT_HOURS_MS = 8 * 60 * 60 * 1_000;
const ONE_MINUTE_MS = 60_000;

/**
 * Bull Board behind a sign-in: the queues with payloads, results and
 * progress decoded. Admin tokens get the whole board (retry and add-job go
 * through Conveyor); viewer tokens a read-only one, with only their
 * tenant's payloads (the board cannot filter a queue's jobs by tenant).
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  const board = new DashboardRequests(options);
  const { logger } = options;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    board.handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'dashboard failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error' });
      else res.end();
    });
  };
  return {
    route: { path: board.base, handle: handler },
    handler,
    // The queues belong to the services, which close them.
    close: () => Promise.resolve(),
  };
}

/** One dashboard's state (board, sessions, schemas) and how it answers a request. */
class DashboardRequests {
  readonly base: string;
  private readonly schemas: ReturnType<typeof contractSchemas>;
  private readonly readOnly: boolean;
  private readonly app: Express;
  private readonly adapters: Map<string, BaseAdapter>;
  /** Per tenant: a viewer's read-only board, made on its first visit. */
  private readonly viewerBoards = new Map<string, Express>();
  private readonly sessions: SessionCodec;
  private readonly check: SessionCheck;
  private readonly auth: Parameters<typeof signIn>[2];
  private readonly trpc: ConsoleTrpc;
  private readonly consoleAssets: string | null;

  constructor(private readonly options: DashboardOptions) {
    const { services } = options;
    this.base = options.basePath ?? '/admin';
    this.schemas = contractSchemas(services.registry);
    this.readOnly = options.readOnly ?? false;
    const adapters = services.dashboardAdapters({
      readOnly: this.readOnly,
      queues: queuePresentation(this.schemas, this.base),
    });
    this.app = mountBoard(adapters, this.base, 'admin');
    this.adapters = new Map(adapters.map((a) => [a.getName(), a]));
    this.sessions = new SessionCodec(
      options.sessionSecret,
      options.sessionTtlMs ?? EIGHT_HOURS_MS,
    );
    this.check = new SessionCheck(
      services.tokens,
      options.sessionRecheckMs ?? ONE_MINUTE_MS,
    );
    this.auth = {
      base: this.base,
      sessions: this.sessions,
      authenticate: options.authenticate,
      secure: options.secureCookie ?? false,
    };
    this.trpc = createConsoleTrpc(options, this.base);
    this.consoleAssets = findConsoleAssets(options.consoleAssetsDir);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const sub = url.pathname.slice(this.base.length) || '/';
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-frame-options', 'DENY');
    // Not no-referrer: that makes a browser send `Origin: null` with the form.
    res.setHeader('referrer-policy', 'same-origin');
    if (!sameOrigin(req)) return sendJson(res, 403, { error: 'Cross-site' });
    const path = boardPath(sub);
    if (!path) return sendJson(res, 400, { error: 'Malformed path' });
    const page = path.words.join('/');
    if (page === 'login') return signIn(req, res, this.auth);
    if (page === 'logout') return signOut(res, this.auth);
    const first = path.words[0];
    const forConsole = first === 'console' || first === 'trpc';
    const isApi = first === 'api' || first === 'trpc';
    const principal = await this.signedIn(req, res);
    if (principal === undefined) return;
    if (!principal) return unauthenticated(res, this.base, isApi, forConsole);
    if (first === 'trpc') return this.trpc(req, res, principal);
    if (forConsole) {
      const files = path.segments.slice(1);
      const { role, tenantId: tenant } = principal;
      const on = { base: this.base, role, tenant };
      return sendConsoleFile(res, this.consoleAssets, files, on);
    }
    // A session the console's sign-in gave (another tenant's token) has no board.
    if (boardRefusal(principal)) return offBoard(res, this.base, isApi);
    if (page === 'schemas') return sendSchemas(req, res, this.schemas);
    const admin = principal.role === 'admin';
    if (isApi) {
      const api = {
        segments: path.segments.slice(1),
        words: path.words.slice(1),
      };
      const readOnly = this.readOnly || !admin;
      const { adapters } = this;
      const { services } = this.options;
      const context = { api, readOnly, services, adapters, principal };
      if (await boardAction(req, res, context)) return;
    }
    req.url = `${sub}${url.search}`;
    const app = admin ? this.app : this.viewerBoard(principal.tenantId);
    app(req, res, (error) => {
      if (error) this.options.logger.error({ err: error }, 'dashboard failed');
      if (!res.headersSent) sendJson(res, error ? 500 : 404, {});
    });
  }

  private viewerBoard(tenant: string): Express {
    let app = this.viewerBoards.get(tenant);
    if (!app) {
      const adapters = this.options.services.dashboardAdapters({
        readOnly: true,
        tenant,
        queues: queuePresentation(this.schemas, this.base),
      });
      app = mountBoard(adapters, this.base, `viewer · ${tenant}`);
      this.viewerBoards.set(tenant, app);
    }
    return app;
  }

  /** The signed-in admin or viewer, null when there is none, undefined once a 503 is sent. */
  private async signedIn(req: IncomingMessage, res: ServerResponse) {
    const session = this.sessions.read(req.headers.cookie);
    const changes = req.method !== 'GET' && req.method !== 'HEAD';
    try {
      const principal =
        session && (await this.check.principal(session, changes));
      return principal ?? null;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'dashboard session not checked');
      sendJson(res, 503, { error: 'Redis is unavailable: try again' });
      return undefined;
    }
  }
}

/** Pages go to the sign-in form (the console's to its own); API calls get a 401. */
function unauthenticated(
  res: ServerResponse,
  base: string,
  isApi: boolean,
  forConsole: boolean,
): void {
  if (isApi) {
    sendJson(res, 401, { error: 'Sign in at the dashboard first' });
    return;
  }
  const next = forConsole ? '?next=console' : '';
  res.writeHead(303, { location: `${base}/login${next}` });
  res.end();
}

/** The board shows every tenant's queues: a tenant's session goes to the console. */
function offBoard(res: ServerResponse, base: string, isApi: boolean): void {
  if (isApi) {
    sendJson(res, 403, { error: 'The board takes the operator tokens only' });
    return;
  }
  res.writeHead(303, { location: `${base}/console/` });
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
