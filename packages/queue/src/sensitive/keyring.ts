import { EncryptionKeyError } from '@conveyor/core';
import { readFileSync } from 'node:fs';

/** The keys sealed values are written and read with; the first is current. */
export interface Keyring {
  readonly currentId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

const ENTRY = /^([A-Za-z0-9_-]{1,32})[:=]([A-Za-z0-9+/_-]{43}=?)$/;

/**
 * `id:base64key` entries (32-byte keys), separated by commas or lines; the
 * first writes, every one reads (rotation: put the new key first, keep the
 * old ones until `keys reencrypt` has run). Generate one with
 * `openssl rand -base64 32`.
 */
export function parseKeyring(text: string): Keyring {
  const keys = new Map<string, Buffer>();
  const entries = text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !entry.startsWith('#'));
  for (const entry of entries) {
    const match = ENTRY.exec(entry);
    const key = match ? Buffer.from(match[2]!, 'base64') : undefined;
    if (!match || key?.length !== 32)
      throw new EncryptionKeyError(
        'An encryption key entry is not `id:base64` of 32 bytes (generate one with `openssl rand -base64 32`)',
      );
    if (keys.has(match[1]!))
      throw new EncryptionKeyError(
        `Encryption key id "${match[1]}" is given twice`,
      );
    keys.set(match[1]!, key);
  }
  const [currentId] = keys.keys();
  if (currentId === undefined)
    throw new EncryptionKeyError('No encryption key is given');
  return { currentId, keys };
}

let cached: { source: string; keyring: Keyring | null } | undefined;

/**
 * The keyring of `CONVEYOR_ENCRYPTION_KEYS`, or of the file
 * `CONVEYOR_ENCRYPTION_KEYS_FILE` names; null when neither is set. Read
 * again only when the setting changes.
 */
export function keyringFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Keyring | null {
  const inline = env['CONVEYOR_ENCRYPTION_KEYS'];
  const file = env['CONVEYOR_ENCRYPTION_KEYS_FILE'];
  const source = inline ? `inline:${inline}` : file ? `file:${file}` : '';
  if (cached?.source === source) return cached.keyring;
  const keyring = inline
    ? parseKeyring(inline)
    : file
      ? parseKeyring(readKeyFile(file))
      : null;
  cached = { source, keyring };
  return keyring;
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new EncryptionKeyError(
      `The encryption key file (CONVEYOR_ENCRYPTION_KEYS_FILE) cannot be read`,
    );
  }
}
