import { defineJob, EncryptionKeyError, sensitive } from '@conveyor/core';
import { z } from 'zod';
import { openPayload, sealPayload } from './payload-sealer.ts';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openValue, sealedKeyId, sealValue } from './field-cipher.ts';
import { parseKeyring } from './keyring.ts';
import { resealText } from './reseal.ts';

const key = () => randomBytes(32).toString('base64');
const old = parseKeyring(`k1:${key()}`);

describe('sealed values (AES-256-GCM, key id in the token, bound to the job)', () => {
  it('round-trips any value superjson carries, with a fresh ciphertext each time', () => {
    const value = { at: new Date('2026-01-02T03:04:05Z'), n: 7n };
    const a = sealValue(old, 'sms.send', value);
    const b = sealValue(old, 'sms.send', value);
    expect(a).not.toBe(b);
    expect(sealedKeyId(a)).toBe('k1');
    expect(openValue(old, 'sms.send', a)).toEqual(value);
  });

  it('refuses a token altered, copied into another job, or sealed with a key it lacks', () => {
    const token = sealValue(old, 'sms.send', '+14155550100');
    const flipped = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    expect(() => openValue(old, 'sms.send', flipped)).toThrow(
      EncryptionKeyError,
    );
    expect(() => openValue(old, 'email.digest', token)).toThrow(
      /sealed for another job/,
    );
    const other = parseKeyring(`k9:${key()}`);
    expect(() => openValue(other, 'sms.send', token)).toThrow(
      /key "k1", which this process does not have/,
    );
  });

  it('reseals under the current key, and leaves what no key opens', () => {
    const token = sealValue(old, 'sms.send', 'x');
    const rotated = parseKeyring(
      `k2:${key()},${old.currentId}:${old.keys.get('k1')!.toString('base64')}`,
    );
    const text = JSON.stringify({
      json: { to: token, junk: 'cvs1.k1.AAAA.BBBB' },
    });
    const out = resealText(rotated, ['email.digest', 'sms.send'], text);
    expect(out).toMatchObject({ resealed: 1, unopened: 1 });
    const resealed = (JSON.parse(out.text) as { json: { to: string } }).json.to;
    expect(sealedKeyId(resealed)).toBe('k2');
    expect(openValue(rotated, 'sms.send', resealed)).toBe('x');
  });

  it('opens only at the marked paths, never seals twice, and refuses a truncated tag', () => {
    process.env['CONVEYOR_ENCRYPTION_KEYS'] =
      `k1:${old.keys.get('k1')!.toString('base64')}`;
    try {
      const job = defineJob({
        name: 'sms.send',
        queue: 'default',
        input: z.strictObject({ to: sensitive(z.string()), note: z.string() }),
      });
      const token = sealValue(old, 'sms.send', '+1');
      const sealed = sealPayload(job, 'data', { to: token, note: token }).value;
      // The value sealed already is kept; the token pasted into `note` stays text.
      expect(sealed).toEqual({ to: token, note: token });
      expect(openPayload(job, 'data', sealed)).toEqual({
        to: '+1',
        note: token,
      });
      expect(() =>
        openValue(old, 'sms.send', token.slice(0, token.lastIndexOf('.') + 8)),
      ).toThrow(EncryptionKeyError);
    } finally {
      delete process.env['CONVEYOR_ENCRYPTION_KEYS'];
    }
  });

  it('refuses a malformed key setting in its own words', () => {
    expect(() => parseKeyring('k1:short')).toThrow(/id:base64. of 32 bytes/);
    expect(() => parseKeyring(`k1:${key()},k1:${key()}`)).toThrow(
      /given twice/,
    );
    expect(() => parseKeyring(' , ')).toThrow(/No encryption key/);
  });
});
