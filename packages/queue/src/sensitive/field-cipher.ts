import {
  EncryptionKeyError,
  fromSealedText,
  isSealed,
  SEALED_PREFIX,
  toSealedText,
} from '@conveyor/core';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.ts';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM over the value's superjson text (a Date stays a Date), bound
 * to the job's name (the associated data: a sealed value copied into
 * another job's payload does not open). The key id travels in the token,
 * so a rotated keyring still opens what older keys sealed.
 */
export function sealValue(
  keyring: Keyring,
  jobName: string,
  value: unknown,
): string {
  const key = keyring.keys.get(keyring.currentId)!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad(jobName)));
  const body = Buffer.concat([
    cipher.update(toSealedText(value), 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return `${SEALED_PREFIX}${keyring.currentId}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

export function openValue(
  keyring: Keyring,
  jobName: string,
  token: string,
): unknown {
  const [keyId = '', ivText = '', bodyText = ''] = token
    .slice(SEALED_PREFIX.length)
    .split('.');
  const key = keyring.keys.get(keyId);
  if (!key)
    throw new EncryptionKeyError(
      `A sensitive value of ${jobName} was sealed with key "${keyId}", which this process does not have (CONVEYOR_ENCRYPTION_KEYS)`,
    );
  const body = Buffer.from(bodyText, 'base64url');
  try {
    // A short body would leave a truncated tag, which GCM would otherwise accept.
    if (body.length <= TAG_BYTES) throw new Error('truncated');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      key,
      Buffer.from(ivText, 'base64url'),
      { authTagLength: TAG_BYTES },
    );
    decipher.setAAD(Buffer.from(aad(jobName)));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    const text = Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
    return fromSealedText(text);
  } catch {
    throw new EncryptionKeyError(
      `A sensitive value of ${jobName} does not authenticate: it was altered, or sealed for another job`,
    );
  }
}

/** The key id a token was sealed with ('' for no token). */
export function sealedKeyId(token: unknown): string {
  return isSealed(token)
    ? (token.slice(SEALED_PREFIX.length).split('.')[0] ?? '')
    : '';
}

const aad = (jobName: string) => `conveyor:sensitive:v1:${jobName}`;
