import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { deliveryHeaders, signStandardWebhook, signWebhook } from './sign.ts';

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

describe('signStandardWebhook', () => {
  // The vector of the reference library's own test (standard-webhooks,
  // libraries/javascript/src/webhook.test.ts, "sign function works").
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const message = { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', atSeconds: 1614265330 };
  const body = '{"test": 2432232314}';

  it('matches the Standard Webhooks reference vector', () => {
    expect(signStandardWebhook(secret, body, message)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('signs with the decoded key, however the secret was encoded', () => {
    const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
    const expected = signStandardWebhook(secret, body, message);
    // The same bytes as base64url: the old secrets' form.
    expect(
      signStandardWebhook(`whsec_${key.toString('base64url')}`, body, message),
    ).toBe(expected);
    const withDash = Buffer.from([0xfb, 0xff, 0xbf, ...key]);
    expect(withDash.toString('base64url')).toMatch(/[-_]/);
    expect(
      signStandardWebhook(
        `whsec_${withDash.toString('base64url')}`,
        body,
        message,
      ),
    ).toBe(
      signStandardWebhook(
        `whsec_${withDash.toString('base64')}`,
        body,
        message,
      ),
    );
  });

  it('changes with the id, the time, the body and the key', () => {
    const base = signStandardWebhook(secret, body, message);
    expect(
      signStandardWebhook(secret, body, { ...message, id: 'msg_other' }),
    ).not.toBe(base);
    expect(
      signStandardWebhook(secret, body, { ...message, atSeconds: 1614265331 }),
    ).not.toBe(base);
    expect(signStandardWebhook(secret, `${body} `, message)).not.toBe(base);
    expect(
      signStandardWebhook(
        'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        body,
        message,
      ),
    ).not.toBe(base);
  });
});

describe('deliveryHeaders', () => {
  it('carries both schemes, signed at the same time, with the delivery id as webhook-id', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"id":"e1","type":"job.failed"}';
    const atSeconds = Math.floor(Date.now() / 1000);
    const headers = deliveryHeaders({
      secret,
      deliveryId: 'dlv_0123',
      eventType: 'job.failed',
      body,
      atSeconds,
    });
    expect(headers).toEqual({
      'Conveyor-Signature': signWebhook(secret, body, atSeconds),
      'Conveyor-Event': 'job.failed',
      'Conveyor-Delivery': 'dlv_0123',
      'webhook-id': 'dlv_0123',
      'webhook-timestamp': String(atSeconds),
      'webhook-signature': signStandardWebhook(secret, body, {
        id: 'dlv_0123',
        atSeconds,
      }),
    });
    expect(new Webhook(secret).verify(body, headers)).toEqual({
      id: 'e1',
      type: 'job.failed',
    });
  });
});
