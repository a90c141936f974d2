import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ROLES, type Principal } from '../auth/principal.ts';

export const SESSION_COOKIE = 'conveyor_dashboard';

/** Who signed in, with which token, until when. */
export interface DashboardSession {
  subject: string;
  tenantId: string;
  role: Principal['role'];
  /**
   * The API token signed in with, re-checked while the session lasts; null
   * for the configured admin (`CONVEYOR_ADMIN_TOKEN`, or the open local
   * mode), which lives as long as the configuration does.
   */
  tokenId: string | null;
  expiresAt: number;
}

/** A session read from its cookie; `signature` names it (the re-check cache's key). */
export type SignedSession = DashboardSession & { signature: string };

const TOKEN_SUBJECT = 'token:';

/**
 * Sessions as signed cookies (`base64url(json).base64url(hmac)`): no token
 * ever travels after sign-in. The cookie names the token it came from, and
 * `SessionCheck` refuses it once that token is revoked or expired. Signing
 * out clears the cookie; a copied cookie stays valid until it expires (or
 * its token goes), so the lifetime is short (8 h by default).
 */
export class SessionCodec {
  private readonly key: Buffer;

  constructor(
    secret: string | undefined,
    private readonly ttlMs: number,
  ) {
    // A derived key: the admin token itself never signs anything.
    this.key = createHmac('sha256', secret ?? randomBytes(32))
      .update('conveyor-dashboard-session')
      .digest();
  }

  issue(principal: Principal, now = Date.now()): string {
    const session: DashboardSession = {
      subject: principal.subject,
      tenantId: principal.tenantId,
      role: principal.role,
      // TokenStore names a stored token's principal `token:<id>`.
      tokenId: principal.subject.startsWith(TOKEN_SUBJECT)
        ? principal.subject.slice(TOKEN_SUBJECT.length)
        : null,
      expiresAt: now + this.ttlMs,
    };
    const body = Buffer.from(JSON.stringify(session)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The session a `Cookie` header carries; null when absent, forged or expired. */
  read(
    cookieHeader: string | undefined,
    now = Date.now(),
  ): SignedSession | null {
    const value = cookieValue(cookieHeader, SESSION_COOKIE);
    const [body, mac] = value?.split('.') ?? [];
    if (!body || !mac) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return null;
    const session = parseSession(Buffer.from(body, 'base64url').toString());
    return session && session.expiresAt > now
      ? { ...session, signature: mac }
      : null;
  }

  get maxAgeSeconds(): number {
    return Math.floor(this.ttlMs / 1_000);
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

function parseSession(json: string): DashboardSession | null {
  try {
    const value = JSON.parse(json) as Partial<DashboardSession>;
    return typeof value.subject === 'string' &&
      typeof value.tenantId === 'string' &&
      ROLES.includes(value.role as Principal['role']) &&
      (value.tokenId === null || typeof value.tokenId === 'string') &&
      typeof value.expiresAt === 'number'
      ? (value as DashboardSession)
      : null;
  } catch {
    return null;
  }
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of header?.split(';') ?? []) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name)
      return part.slice(at + 1).trim();
  }
  return null;
}
