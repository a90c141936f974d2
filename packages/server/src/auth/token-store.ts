import { TenantIdSchema } from '@conveyor/core';
import {
  DEFAULT_ENQUEUE_TIMEOUT_MS,
  whenReady,
  type Keyspace,
} from '@conveyor/queue';
import type { Redis } from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import type { Principal, Role } from './principal.ts';

/** What is kept of a token: never its secret, only the hash of it. */
export interface TokenRecord {
  id: string;
  tenantId: string;
  role: Role;
  jobs: string[] | null;
  label: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewToken {
  tenantId: string;
  role: Role;
  jobs?: string[] | undefined;
  label?: string | undefined;
  expiresAt?: Date | undefined;
}

/** `lastUsedAt` is written at most this often per token, not on every request. */
const LAST_USED_EVERY_MS = 60_000;

export const hashToken = (token: string) =>
  createHash('sha256').update(token).digest('hex');

/**
 * API tokens in Redis. A token is `cvk_<id>_<secret>`: random, shown once
 * at creation, stored only as its SHA-256 (a Redis dump reveals no usable
 * token). The id names it in lists and revocation.
 */
export class TokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
  ) {}

  async create(
    spec: NewToken,
  ): Promise<{ token: string; record: TokenRecord }> {
    TenantIdSchema.parse(spec.tenantId);
    const id = randomBytes(6).toString('hex');
    const token = `cvk_${id}_${randomBytes(32).toString('base64url')}`;
    const hash = hashToken(token);
    const now = Date.now();
    await this.redis
      .multi()
      .hset(this.keys.token(hash), {
        id,
        tenantId: spec.tenantId,
        role: spec.role,
        jobs: spec.jobs ? JSON.stringify(spec.jobs) : '',
        label: spec.label ?? '',
        createdAt: String(now),
        expiresAt: spec.expiresAt ? String(spec.expiresAt.getTime()) : '',
      })
      .hset(this.keys.tokens(), id, hash)
      .exec();
    return { token, record: (await this.byHash(hash)) as TokenRecord };
  }

  /** The principal a presented token stands for; null when unknown, revoked or expired. */
  async authenticate(token: string): Promise<Principal | null> {
    // A fail-fast connection refuses commands until it is up: wait as an enqueue would.
    await whenReady(this.redis, DEFAULT_ENQUEUE_TIMEOUT_MS);
    const hash = hashToken(token);
    const record = await this.byHash(hash);
    if (!record || record.revokedAt) return null;
    const now = Date.now();
    if (record.expiresAt && record.expiresAt.getTime() <= now) return null;
    if (
      !record.lastUsedAt ||
      now - record.lastUsedAt.getTime() > LAST_USED_EVERY_MS
    )
      void this.redis
        .hset(this.keys.token(hash), 'lastUsedAt', String(now))
        .catch(() => undefined);
    return {
      subject: `token:${record.id}`,
      tenantId: record.tenantId,
      role: record.role,
      jobs: record.jobs,
    };
  }

  /**
   * The principal a stored token stands for, by id: a dashboard session
   * keeps the id, never the secret, and re-checks it. Null when unknown,
   * revoked or expired.
   */
  async principalById(id: string): Promise<Principal | null> {
    await whenReady(this.redis, DEFAULT_ENQUEUE_TIMEOUT_MS);
    const hash = await this.redis.hget(this.keys.tokens(), id);
    const record = hash ? await this.byHash(hash) : null;
    if (!record || record.revokedAt) return null;
    if (record.expiresAt && record.expiresAt.getTime() <= Date.now())
      return null;
    return {
      subject: `token:${record.id}`,
      tenantId: record.tenantId,
      role: record.role,
      jobs: record.jobs,
    };
  }

  async list(tenantId?: string): Promise<TokenRecord[]> {
    const hashes = Object.values(await this.redis.hgetall(this.keys.tokens()));
    const records = await Promise.all(hashes.map((h) => this.byHash(h)));
    return records
      .filter((r): r is TokenRecord => r !== null)
      .filter((r) => tenantId === undefined || r.tenantId === tenantId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  /** Revokes by id; false when there is no such token. */
  async revoke(id: string): Promise<boolean> {
    const hash = await this.redis.hget(this.keys.tokens(), id);
    if (!hash) return false;
    await this.redis.hset(
      this.keys.token(hash),
      'revokedAt',
      String(Date.now()),
    );
    return true;
  }

  private async byHash(hash: string): Promise<TokenRecord | null> {
    const raw = await this.redis.hgetall(this.keys.token(hash));
    if (!raw.id) return null;
    const date = (value: string | undefined) =>
      value ? new Date(Number(value)) : null;
    return {
      id: raw.id,
      tenantId: raw.tenantId ?? '',
      role: (raw.role ?? 'viewer') as Role,
      jobs: raw.jobs ? (JSON.parse(raw.jobs) as string[]) : null,
      label: raw.label ?? '',
      createdAt: new Date(Number(raw.createdAt)),
      expiresAt: date(raw.expiresAt),
      lastUsedAt: date(raw.lastUsedAt),
      revokedAt: date(raw.revokedAt),
    };
  }
}
