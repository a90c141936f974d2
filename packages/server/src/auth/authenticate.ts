import type { IncomingMessage } from 'node:http';
import { QueueFullError, QueueUnavailableError } from '@conveyor/core';
import { isRedisOutOfMemory } from '@conveyor/queue';
import { timingSafeEqual } from 'node:crypto';
import { hashToken, type TokenStore } from './token-store.ts';
import { LOCAL_PRINCIPAL, type Principal } from './principal.ts';

/**
 * Resolves the caller from a request; null when the credentials are missing
 * or wrong (a 401). Throws `QueueUnavailableError` only when they cannot be
 * checked (Redis down).
 */
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
  // Open: only requests addressed to this machine by name (a web page that
  // rebinds its own DNS name to 127.0.0.1 still sends its own Host).
  if (!adminToken)
    return (req) =>
      Promise.resolve(loopbackHost(req.headers.host) ? LOCAL_PRINCIPAL : null);
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
    try {
      return await options.tokens.authenticate(token);
    } catch (error) {
      // Redis is down or full: the token cannot be checked. A 503 the
      // client may retry, not a 500 and not a 401.
      throw isRedisOutOfMemory(error)
        ? new QueueFullError({ cause: error })
        : new QueueUnavailableError({ cause: error });
    }
  };
}

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  // The scheme is case-insensitive (RFC 9110 §11.1): `bearer` is as good.
  const match = /^Bearer +([A-Za-z0-9._~+/=-]{16,200})$/i.exec(header.trim());
  return match?.[1] ?? null;
}

/** The tenant an admin names to act for (`x-conveyor-tenant`), if any. */
export function requestedTenant(req: IncomingMessage): string | null {
  const header = req.headers['x-conveyor-tenant'];
  return typeof header === 'string' && header.length > 0 ? header : null;
}

/** `localhost`, `127.x.x.x` or `[::1]`, with any port. */
function loopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[')
    ? host.slice(0, host.indexOf(']') + 1)
    : host.split(':')[0];
  return (
    name === 'localhost' ||
    name === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(name ?? '')
  );
}
