import { signWebhook } from '@conveyor/webhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from './webhooks.ts';

const secret = 'whsec_abc';
const body = '{"id":"e1","type":"job.failed"}';
const now = 1_800_000_000_000;
const t = now / 1000;

describe('verifyWebhookSignature (for receivers)', () => {
  it('accepts what the deliverer signs, from the header or from all headers', () => {
    const header = signWebhook(secret, body, t);
    expect(verifyWebhookSignature({ secret, header, body, now })).toEqual({
      valid: true,
      timestamp: t,
    });
    expect(
      verifyWebhookSignature({
        secret,
        headers: { 'Conveyor-Signature': header },
        body: new TextEncoder().encode(body),
        now,
      }).valid,
    ).toBe(true);
    expect(
      verifyWebhookSignature({
        secret,
        headers: new Headers({ 'conveyor-signature': header }),
        body,
        now,
      }).valid,
    ).toBe(true);
  });

  it('refuses another secret, a changed body, an old or malformed signature', () => {
    const header = signWebhook(secret, body, t);
    const check = (o: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({ secret, header, body, now, ...o });
    expect(check({ secret: 'whsec_other' })).toMatchObject({ valid: false });
    expect(check({ body: body.replace('e1', 'e2') })).toMatchObject({
      valid: false,
      reason: 'Signature does not match',
    });
    expect(check({ now: now + 301_000 })).toMatchObject({
      valid: false,
      reason: 'Signature timestamp outside tolerance',
    });
    expect(check({ now: now + 301_000, toleranceSec: 600 }).valid).toBe(true);
    expect(check({ header: 'v1=abc' }).valid).toBe(false);
    expect(check({ header: `t=${t}` }).valid).toBe(false);
    expect(check({ header: null, headers: {} })).toMatchObject({
      reason: 'No Conveyor-Signature header',
    });
  });
});
