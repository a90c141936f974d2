import { EncryptionKeyError } from '@conveyor/core';
import { openValue, sealValue } from './field-cipher.ts';
import type { Keyring } from './keyring.ts';

/** A sealed value wherever it sits in stored text (JSON, or JSON inside JSON: its characters need no escaping). */
const TOKEN = /cvs1\.([A-Za-z0-9_-]{1,32})\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

/**
 * `text` with every value sealed under a key other than the current one
 * sealed again under the current key, and how many were. A token binds its
 * job's name, which the text around it may not say: each of `jobNames` is
 * tried. A token no key opens is left as it is and counted in `unopened`.
 */
export function resealText(
  keyring: Keyring,
  jobNames: readonly string[],
  text: string,
): { text: string; resealed: number; unopened: number } {
  let resealed = 0;
  let unopened = 0;
  const out = text.replace(TOKEN, (token: string, keyId: string) => {
    if (keyId === keyring.currentId) return token;
    for (const name of jobNames) {
      let plain: unknown;
      try {
        plain = openValue(keyring, name, token);
      } catch (error) {
        if (error instanceof EncryptionKeyError) continue;
        throw error;
      }
      resealed += 1;
      return sealValue(keyring, name, plain);
    }
    unopened += 1;
    return token;
  });
  return { text: out, resealed, unopened };
}
