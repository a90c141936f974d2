import { describe, expect, it } from 'vitest';
import { newWebhookSecret, standardWebhookKey } from './webhook-secret.ts';

describe('newWebhookSecret', () => {
  it('is whsec_ and the standard base64 of 48 random bytes, without padding', () => {
    const secrets = Array.from({ length: 50 }, newWebhookSecret);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{64}$/);
      expect(standardWebhookKey(secret)).toHaveLength(48);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});

describe('standardWebhookKey', () => {
  it('decodes the part after whsec_ in either base64 alphabet', () => {
    const key = Buffer.from(
      Array.from({ length: 32 }, (_, i) => (i * 37 + 251) % 256),
    );
    const standard = key.toString('base64');
    const url = key.toString('base64url');
    expect(url).not.toBe(standard.replace(/=+$/, ''));
    expect(standardWebhookKey(`whsec_${standard}`)).toEqual(key);
    expect(standardWebhookKey(`whsec_${url}`)).toEqual(key);
    // Without the prefix, like the reference verifiers.
    expect(standardWebhookKey(standard)).toEqual(key);
  });
});
