import { AuthFailuresLimitedError, DEFAULT_TENANT } from '@conveyor/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticate } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { readBody } from './read-body.ts';
import { SESSION_COOKIE, type SessionCodec } from './dashboard-session.ts';
import { signInPage } from './sign-in-page.ts';

export interface SignInDeps {
  base: string;
  sessions: SessionCodec;
  authenticate: Authenticate;
  /** `Secure` cookies: the dashboard is served over https. */
  secure: boolean;
}

/**
 * `GET {base}/login` shows the form; `POST` checks the token exactly as the
 * API checks a Bearer token; an admin's or a viewer's gets a session
 * cookie. Producer tokens are refused: the board's changes act on whole
 * queues, which every tenant's jobs share, and a viewer's board is read-only.
 */
export async function signIn(
  req: IncomingMessage,
  res: ServerResponse,
  deps: SignInDeps,
): Promise<void> {
  const forConsole = toConsole(req);
  const answer = (status: number, error?: string, headers = {}) =>
    page(res, status, { base: deps.base, forConsole, headers }, error);
  if (req.method !== 'POST') return answer(200);
  const body = await readBody(req, 4_096);
  if (body === null) return answer(413, 'That form was too large.');
  const token = new URLSearchParams(body).get('token')?.trim() ?? '';
  let principal: Principal | null;
  try {
    principal = await deps.authenticate(asBearerRequest(req, token));
  } catch (error) {
    if (error instanceof AuthFailuresLimitedError)
      return answer(429, `${error.message}.`, {
        'retry-after': String(Math.ceil(error.retryAfterMs / 1_000)),
      });
    return answer(503, 'Redis is unavailable: try again.');
  }
  if (!principal) return answer(401, 'That token was not accepted.');
  // The console reads through the API, tenant-scoped: any tenant's token.
  const refused = forConsole ? null : boardRefusal(principal);
  if (refused) return answer(403, refused);
  res.writeHead(303, {
    location: forConsole ? `${deps.base}/console/` : deps.base,
    'set-cookie': cookie(
      deps,
      deps.sessions.issue(principal),
      deps.sessions.maxAgeSeconds,
    ),
  });
  res.end();
}

export function signOut(res: ServerResponse, deps: SignInDeps): void {
  res.writeHead(303, {
    location: `${deps.base}/login`,
    'set-cookie': cookie(deps, '', 0),
  });
  res.end();
}

function cookie(deps: SignInDeps, value: string, maxAge: number): string {
  const secure = deps.secure ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=${deps.base}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
}

/**
 * The API's `Authenticate` reads a request: give it one that carries the
 * form's token as a Bearer header (and the real Host, which the open,
 * loopback-only mode checks, and socket).
 */
function asBearerRequest(req: IncomingMessage, token: string): IncomingMessage {
  return {
    headers: { host: req.headers.host, authorization: `Bearer ${token}` },
    // The client's address: failed sign-ins are limited per address.
    socket: req.socket,
  } as IncomingMessage;
}

function page(
  res: ServerResponse,
  status: number,
  to: { base: string; forConsole: boolean; headers: Record<string, string> },
  error?: string,
): void {
  res.writeHead(status, {
    ...to.headers,
    'content-type': 'text/html; charset=utf-8',
  });
  res.end(signInPage(to.base, error, to.forConsole));
}

/** The sign-in the console sent here (`login?next=console`): back there after. */
function toConsole(req: IncomingMessage): boolean {
  const url = new URL(req.url ?? '/', 'http://dashboard');
  return url.searchParams.get('next') === 'console';
}

/**
 * Bull Board's queue pages list every tenant's jobs (ids, names, states) and
 * cannot be filtered by tenant, so only the operator's tokens sign in: an
 * admin, or a viewer of the default tenant. Another tenant reads its own jobs
 * through the API or the CLI, which are tenant-scoped.
 */
export function boardRefusal(principal: Principal): string | null {
  const { role, tenantId } = principal;
  if (role === 'producer')
    return `This is a producer token of tenant ${tenantId}. The dashboard needs an admin token, or a viewer token of tenant ${DEFAULT_TENANT} to look without changing anything.`;
  if (role === 'viewer' && tenantId !== DEFAULT_TENANT)
    return `This is a viewer token of tenant ${tenantId}. The dashboard shows every tenant's queues, so it takes the operator's tokens only (an admin, or a viewer of tenant ${DEFAULT_TENANT}); read tenant ${tenantId}'s jobs in the runs console, through the API or \`conveyor jobs list\`.`;
  return null;
}
