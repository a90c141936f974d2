import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { hashToken, type TokenStore } from './token-store.ts';
import { LOCAL_PRINCIPAL, type Principal } from './principal.ts';

/** Resolves the caller from a request; null (never a throw) when it cannot: a 401. */
export type Authenticate = (req: IncomingMessage) => Promise<Principal | null>;

export interface AuthOptions {
  tokens: TokenStore;
  /** `CONVEYOR_ADMIN_TOKEN`: the bootstrap admin. Without one, every caller is the local admin. */
  adminToken?: string | undefined;
  /** The bootstrap admin's own tenant. */
  adminTenant: string;
}

/**
 * `Authorization: Bearer <token>`: the bootstrap admin token (compared in
 * constant time), else a stored token. With no admin token configured the
 * API runs open, as the local admin (it then refuses to listen beyond
 * loopback: see main.ts).
 */
export function createAuthenticate(options: AuthOptions): Authenticate {
  const { adminToken } = options;
  if (!adminToken) return () => Promise.resolve(LOCAL_PRINCIPAL);
  const adminHash = Buffer.from(hashToken(adminToken), 'hex');
  const bootstrap: Principal = Object.freeze({
    subject: 'bootstrap-admin',
    tenantId: options.adminTenant,
    role: 'admin',
    jobs: null,
  });
  return async (req) => {
    const token = bearerToken(req);
    if (!token) return null;
    if (timingSafeEqual(Buffer.from(hashToken(token), 'hex'), adminHash))
      return bootstrap;
    return options.tokens.authenticate(token);
  };
}

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{16,200})$/.exec(header.trim());
  return match?.[1] ?? null;
}

/** The tenant an admin names to act for (`x-conveyor-tenant`), if any. */
export function requestedTenant(req: IncomingMessage): string | null {
  const header = req.headers['x-conveyor-tenant'];
  return typeof header === 'string' && header.length > 0 ? header : null;
}
