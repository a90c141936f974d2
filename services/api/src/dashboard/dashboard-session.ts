import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ROLES, type Principal } from '../auth/principal.ts';

export const SESSION_COOKIE = 'conveyor_dashboard';

/** Who signed in, until when. */
export interface DashboardSession {
  subject: string;
  tenantId: string;
  role: Principal['role'];
  expiresAt: number;
}

/**
 * Sessions as signed cookies (`base64url(json).base64url(hmac)`): no token
 * ever travels after sign-in, and no server-side store is needed. Signing
 * out clears the cookie; a copied cookie stays valid until it expires, so
 * the lifetime is short (8 h by default).
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
      expiresAt: now + this.ttlMs,
    };
    const body = Buffer.from(JSON.stringify(session)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The session a `Cookie` header carries; null when absent, forged or expired. */
  read(
    cookieHeader: string | undefined,
    now = Date.now(),
  ): DashboardSession | null {
    const value = cookieValue(cookieHeader, SESSION_COOKIE);
    const [body, mac] = value?.split('.') ?? [];
    if (!body || !mac) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return null;
    const session = parseSession(Buffer.from(body, 'base64url').toString());
    return session && session.expiresAt > now ? session : null;
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
