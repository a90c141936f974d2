import {
  encodeEnvelope,
  EncryptionKeyError,
  type JobEnvelope,
  isSealed,
  mapAtPaths,
  toSealedText,
  type RuntimeJob,
} from '@conveyor/core';
import { createHmac, hkdfSync } from 'node:crypto';
import { openValue, sealValue } from './field-cipher.ts';
import { keyringFromEnv, type Keyring } from './keyring.ts';

/**
 * A payload or result with its `sensitive()` values sealed, and whether
 * any were. A job without sensitive fields is returned as it is, without
 * a walk or a key.
 */
export function sealPayload(
  job: RuntimeJob,
  which: 'data' | 'result',
  value: unknown,
): { value: unknown; sealed: boolean } {
  const paths = job.sensitive[which];
  if (paths.length === 0) return { value, sealed: false };
  const keyring = requireKeyring(job.name);
  return {
    // A value sealed already (data read back as stored) is kept, never sealed twice.
    value: mapAtPaths(value, paths, (plain) =>
      isSealed(plain) ? plain : sealValue(keyring, job.name, plain),
    ),
    sealed: true,
  };
}

/** `encodeEnvelope` of a job's payload with its `sensitive()` values sealed. */
export function encodeSealedEnvelope(
  job: RuntimeJob,
  data: unknown,
  meta: Omit<Parameters<typeof encodeEnvelope>[1] & object, 'sealed'> = {},
): JobEnvelope {
  const sealed = sealPayload(job, 'data', data);
  return encodeEnvelope(sealed.value, { ...meta, sealed: sealed.sealed });
}

/**
 * A copy with the sealed values at the job's sensitive paths opened (the
 * worker, and readers allowed to see them). Only there: a token pasted
 * into another field stays the text it is.
 */
export function openPayload(
  job: RuntimeJob,
  which: 'data' | 'result',
  value: unknown,
): unknown {
  const paths = job.sensitive[which];
  if (paths.length === 0) return value;
  const keyring = requireKeyring(job.name);
  return mapAtPaths(value, paths, (sealed) =>
    isSealed(sealed) ? openValue(keyring, job.name, sealed) : sealed,
  );
}

/**
 * The idempotency fingerprint of a sealed job's payload: a keyed hash of
 * the plain payload (ciphertexts differ on every write; a bare SHA-256 of
 * a phone number is guessed in seconds). Keyed with the current key, so a
 * replay sent after a key rotation is taken for another payload.
 */
export function sealedFingerprint(job: RuntimeJob, plain: unknown): string {
  const keyring = requireKeyring(job.name);
  const key = fingerprintKey(keyring);
  const mac = createHmac('sha256', key)
    .update(`fingerprint\n${job.name}\n`)
    .update(toSealedText(plain))
    .digest('hex');
  return `${keyring.currentId}:${mac}`;
}

const fingerprintKeys = new WeakMap<Keyring, Buffer>();

/** Its own key, derived (HKDF) from the current one: never the cipher's key itself. */
function fingerprintKey(keyring: Keyring): Buffer {
  let key = fingerprintKeys.get(keyring);
  if (!key) {
    const master = keyring.keys.get(keyring.currentId)!;
    key = Buffer.from(
      hkdfSync('sha256', master, '', 'conveyor idempotency fingerprint', 32),
    );
    fingerprintKeys.set(keyring, key);
  }
  return key;
}

function requireKeyring(jobName: string): Keyring {
  const keyring = keyringFromEnv();
  if (!keyring)
    throw new EncryptionKeyError(
      `${jobName} has sensitive fields and no encryption key is configured: set CONVEYOR_ENCRYPTION_KEYS or CONVEYOR_ENCRYPTION_KEYS_FILE`,
    );
  return keyring;
}

/**
 * At start (API, worker): a registry with `sensitive()` fields needs keys,
 * and a malformed key setting is refused here rather than at the first
 * enqueue. Returns how many jobs seal values.
 */
export function assertKeysFor(registry: {
  names: readonly string[];
  get(name: string): RuntimeJob | undefined;
}): number {
  const sealing = registry.names.filter((name) => {
    const job = registry.get(name);
    return (
      job !== undefined &&
      job.sensitive.data.length + job.sensitive.result.length > 0
    );
  });
  const keyring = keyringFromEnv();
  if (sealing.length > 0 && !keyring)
    throw new EncryptionKeyError(
      `${sealing.join(', ')} ha${sealing.length === 1 ? 's' : 've'} sensitive fields and no encryption key is configured: set CONVEYOR_ENCRYPTION_KEYS or CONVEYOR_ENCRYPTION_KEYS_FILE`,
    );
  return sealing.length;
}
