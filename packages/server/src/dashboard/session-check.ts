import type { Principal } from '../auth/principal.ts';
import type { TokenStore } from '../auth/token-store.ts';
import type { SignedSession } from './dashboard-session.ts';

/** Cached answers kept before old ones are swept. */
const SWEEP_ABOVE = 1_000;

interface Checked {
  principal: Principal | null;
  at: number;
}

/**
 * A signed cookie proves who signed in, not that their token still stands:
 * this re-checks the token behind a session. A request that changes
 * something always asks the token store; a read may use an answer up to
 * `maxAgeMs` old. Revoked or expired: null, and the session is refused.
 */
export class SessionCheck {
  private readonly checked = new Map<string, Checked>();

  constructor(
    private readonly tokens: Pick<TokenStore, 'principalById'>,
    private readonly maxAgeMs: number,
  ) {}

  /** The principal the session acts as now (with its token's job scope); throws when Redis cannot answer. */
  async principal(
    session: SignedSession,
    fresh: boolean,
    now = Date.now(),
  ): Promise<Principal | null> {
    if (session.tokenId === null) return configuredAdmin(session);
    const cached = this.checked.get(session.signature);
    if (!fresh && cached && now - cached.at < this.maxAgeMs)
      return cached.principal;
    const principal = await this.tokens.principalById(session.tokenId);
    this.remember(session.signature, { principal, at: now });
    return principal;
  }

  private remember(key: string, checked: Checked): void {
    if (this.checked.size >= SWEEP_ABOVE)
      for (const [k, v] of this.checked)
        if (checked.at - v.at >= this.maxAgeMs) this.checked.delete(k);
    if (this.checked.size >= SWEEP_ABOVE) this.checked.clear();
    this.checked.set(key, checked);
  }
}

/** The bootstrap (or open-mode local) admin: any job, and nothing stored to revoke. */
function configuredAdmin(session: SignedSession): Principal {
  return {
    subject: session.subject,
    tenantId: session.tenantId,
    role: session.role,
    jobs: null,
  };
}
