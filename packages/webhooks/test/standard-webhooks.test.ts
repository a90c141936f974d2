import type { WebhookEventBody } from '@conveyor/core';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import type { IncomingHttpHeaders } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  inject,
  it,
} from 'vitest';
import {
  createDeliveryWorker,
  DeliveryLog,
  DeliveryQueue,
  newWebhookSecret,
  WebhookStore,
  type DeliveryJobData,
  type DeliveryWorker,
} from '../src/index.ts';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import {
  startWebhookReceiver,
  type ReceivedDelivery,
  type WebhookReceiver,
} from './support/webhook-receiver.ts';

const redisUrl = inject('redisUrl');
const silent = pino({ level: 'silent' });

/** The three Standard Webhooks headers, as a receiver hands them to a verifier. */
function standardHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const pick = (name: string) => String(headers[name] ?? '');
  return {
    'webhook-id': pick('webhook-id'),
    'webhook-timestamp': pick('webhook-timestamp'),
    'webhook-signature': pick('webhook-signature'),
  };
}

/** Conveyor's own scheme, unchanged: HMAC keyed by the secret string. */
function conveyorSignatureValid(
  secret: string,
  delivery: ReceivedDelivery,
): boolean {
  const [, t, mac] =
    /^t=(\d+),v1=([0-9a-f]{64})$/.exec(
      String(delivery.headers['conveyor-signature']),
    ) ?? [];
  const expected = createHmac('sha256', secret)
    .update(`${t}.${delivery.body}`)
    .digest('hex');
  return t === delivery.headers['webhook-timestamp'] && mac === expected;
}

describe('Standard Webhooks on every delivery (real Redis, real HTTP, the reference verifier)', () => {
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  const keys = createKeyspace(uniquePrefix('stdwh'));
  const store = new WebhookStore(redis, keys);
  const log = new DeliveryLog(redis, keys);
  const queue = new DeliveryQueue(redis, keys, { attempts: 2, backoffMs: 50 });
  let receiver: WebhookReceiver;
  let deliveries: DeliveryWorker;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    deliveries = createDeliveryWorker({
      redis,
      keys,
      logger: silent,
      allowPrivate: true,
      timeoutMs: 10_000,
    });
    await deliveries.ready();
  });
  afterEach(() => {
    receiver.received.length = 0;
    receiver.reply(() => ({ status: 200 }));
  });
  afterAll(async () => {
    await deliveries.close();
    await queue.close();
    await receiver.close();
    await deletePrefix(redisUrl, keys.prefix);
    redis.disconnect();
  });

  /** A delivery as the dispatcher enqueues it; non-ASCII so bytes, not characters, are signed. */
  async function send(
    tenantId: string,
    webhookId: string,
  ): Promise<DeliveryJobData> {
    const jobId = randomBytes(8).toString('hex');
    const body: WebhookEventBody = {
      id: `${jobId}:0:1:job.failed`,
      type: 'job.failed',
      createdAt: new Date().toISOString(),
      tenantId,
      data: {
        jobId,
        name: 'sms.send',
        queue: 'sms',
        attempt: 1,
        attempts: 1,
        error: 'Zeitüberschreitung — 超时 ✗',
      },
    };
    const data = {
      tenantId,
      webhookId,
      deliveryId: `dlv_${randomBytes(16).toString('hex')}`,
      body,
    };
    await queue.enqueue([data]);
    return data;
  }

  const settled = (tenant: string, deliveryId: string, status: string) =>
    waitFor(
      async () => {
        const entries = await log.list(tenant, { limit: 10 });
        const entry = entries.find((e) => e.id === deliveryId);
        return entry?.status === status ? entry : undefined;
      },
      30_000,
      `delivery ${status}`,
    );

  it('a delivery verifies with `new Webhook(secret).verify`; a tampered body, id or another secret does not', async () => {
    const hook = await store.create('std-co', {
      url: receiver.url,
      events: ['job.failed'],
    });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{64}$/);
    const sent = await send('std-co', hook.id);
    await settled('std-co', sent.deliveryId, 'delivered');
    const [delivery] = receiver.received;
    if (!delivery) throw new Error('no delivery received');
    const headers = standardHeaders(delivery.headers);
    expect(headers['webhook-id']).toBe(sent.deliveryId);
    expect(delivery.headers['conveyor-delivery']).toBe(sent.deliveryId);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);

    const verifier = new Webhook(hook.secret);
    expect(verifier.verify(delivery.body, headers)).toEqual(sent.body);
    // The same attempt time signs both schemes; Conveyor's is unchanged.
    expect(conveyorSignatureValid(hook.secret, delivery)).toBe(true);

    const tampered = delivery.body.replace('sms.send', 'sms.sent');
    expect(tampered).not.toBe(delivery.body);
    expect(() => verifier.verify(tampered, headers)).toThrow(
      WebhookVerificationError,
    );
    expect(() =>
      verifier.verify(delivery.body, { ...headers, 'webhook-id': 'dlv_x' }),
    ).toThrow(WebhookVerificationError);
    expect(() =>
      new Webhook(newWebhookSecret()).verify(delivery.body, headers),
    ).toThrow(WebhookVerificationError);
    await store.remove('std-co', hook.id);
  });

  it('a retry (the receiver answers 500 once) keeps the webhook-id and verifies again', async () => {
    const hook = await store.create('retry-co', {
      url: receiver.url,
      events: ['job.failed'],
    });
    let calls = 0;
    receiver.reply(() => ({ status: ++calls === 1 ? 500 : 200 }));
    const sent = await send('retry-co', hook.id);
    await settled('retry-co', sent.deliveryId, 'delivered');
    expect(receiver.received).toHaveLength(2);
    const verifier = new Webhook(hook.secret);
    for (const attempt of receiver.received) {
      const headers = standardHeaders(attempt.headers);
      expect(headers['webhook-id']).toBe(sent.deliveryId);
      expect(verifier.verify(attempt.body, headers)).toEqual(sent.body);
      expect(conveyorSignatureValid(hook.secret, attempt)).toBe(true);
    }
    await store.remove('retry-co', hook.id);
  });

  it('a redriven delivery keeps the webhook-id and verifies', async () => {
    const hook = await store.create('redrive-co', {
      url: receiver.url,
      events: ['job.failed'],
    });
    receiver.reply(() => ({ status: 503 }));
    const sent = await send('redrive-co', hook.id);
    await settled('redrive-co', sent.deliveryId, 'failed');
    receiver.reply(() => ({ status: 204 }));
    await queue.redrive(sent);
    await settled('redrive-co', sent.deliveryId, 'delivered');
    expect(receiver.received).toHaveLength(3);
    const last = receiver.received[2];
    if (!last) throw new Error('no redriven delivery');
    const headers = standardHeaders(last.headers);
    expect(headers['webhook-id']).toBe(sent.deliveryId);
    expect(new Webhook(hook.secret).verify(last.body, headers)).toEqual(
      sent.body,
    );
    await store.remove('redrive-co', hook.id);
  });

  it('a webhook made before (base64url secret) verifies once its secret is written in standard base64', async () => {
    // 32 bytes as base64url, unpadded, like the secrets made before; its
    // first bytes encode to '-' and '_', which standard decoders refuse.
    const key = Buffer.concat([
      Buffer.from([0xfb, 0xff, 0xbf]),
      randomBytes(29),
    ]);
    const stored = `whsec_${key.toString('base64url')}`;
    expect(stored).toMatch(/^whsec_-_-_[A-Za-z0-9_-]{39}$/);
    const id = 'wh_00000000000000aa';
    await redis.hset(
      keys.webhooks('legacy-co'),
      id,
      JSON.stringify({
        id,
        url: receiver.url,
        events: ['job.failed'],
        jobs: null,
        label: '',
        secret: stored,
        createdAt: Date.now(),
      }),
    );
    const sent = await send('legacy-co', id);
    await settled('legacy-co', sent.deliveryId, 'delivered');
    const [delivery] = receiver.received;
    if (!delivery) throw new Error('no delivery received');
    const headers = standardHeaders(delivery.headers);

    expect(() => new Webhook(stored)).toThrow();
    // The conversion docs/webhooks.md gives, character for character.
    const converted =
      'whsec_' + Buffer.from(stored.slice(6), 'base64url').toString('base64');
    expect(converted).toMatch(/^whsec_\+\/\+\/[A-Za-z0-9+/]{39}=$/);
    expect(new Webhook(converted).verify(delivery.body, headers)).toEqual(
      sent.body,
    );
    // Existing receivers keep verifying Conveyor-Signature with the stored string.
    expect(conveyorSignatureValid(stored, delivery)).toBe(true);
    await store.remove('legacy-co', id);
  });
});
