import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook } from './sign.ts';

describe('signWebhook', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const body = '{"id":"e1"}';
    const header = signWebhook('whsec_test', body, 1_700_000_000);
    const expected = createHmac('sha256', 'whsec_test')
      .update(`1700000000.${body}`)
      .digest('hex');
    expect(header).toBe(`t=1700000000,v1=${expected}`);
  });

  it('changes with the secret, the body and the time', () => {
    const base = signWebhook('a', 'x', 1);
    expect(signWebhook('b', 'x', 1)).not.toBe(base);
    expect(signWebhook('a', 'y', 1)).not.toBe(base);
    expect(signWebhook('a', 'x', 2)).not.toBe(base);
  });
});
