import type { AnyRegistry } from '@conveyor/core';
import {
  keyringFromEnv,
  reencryptRedis,
  type Keyspace,
  type ReencryptReport,
} from '@conveyor/queue';
import type { Redis } from 'ioredis';
import type { JobHistory } from '../history/job-history.ts';

const NOTHING: ReencryptReport = { rewritten: 0, resealed: 0, unopened: 0 };

/** What `keys reencrypt` did in each store (history null when it is off). */
export interface ReencryptResult {
  /** The current key; null when none is configured (then nothing is sealed, nothing done). */
  keyId: string | null;
  redis: ReencryptReport;
  history: ReencryptReport | null;
}

/**
 * Key rotation's second step: after the new key is put first in
 * CONVEYOR_ENCRYPTION_KEYS (new writes use it, old values still open),
 * every stored sealed value is sealed again under it, so the old key can
 * then be removed. Safe to run again, and beside traffic.
 */
export class EncryptionService {
  constructor(
    private readonly deps: {
      registry: AnyRegistry;
      redis: Redis;
      keys: Keyspace;
      history: JobHistory;
    },
  ) {}

  async reencrypt(): Promise<ReencryptResult> {
    const keyring = keyringFromEnv();
    // No key, so no contract field is sealed (the API refuses to start otherwise).
    if (!keyring) return { keyId: null, redis: NOTHING, history: null };
    const { registry, redis, keys, history } = this.deps;
    const jobNames = registry.names;
    const fromRedis = await reencryptRedis({ redis, keys, keyring, jobNames });
    const fromHistory = await history.reencrypt(keyring, jobNames);
    return { keyId: keyring.currentId, redis: fromRedis, history: fromHistory };
  }
}
