import { isConveyorError } from '@conveyor/client';
import { verifyWebhookSignature } from '@conveyor/client/webhooks';
import type { WebhookEventBody } from '@conveyor/core';
import { waitFor } from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../../packages/webhooks/test/support/webhook-receiver.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';
import type { FixtureClient } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');

/** The tRPC code and Conveyor reason a call was refused with. */
const refusal = async (call: Promise<unknown>) => {
  const error = await call.catch((e: unknown) => e);
  return isConveyorError(error)
    ? { code: error.data?.code, reason: error.data?.reason ?? null }
    : { code: 'no error', reason: null };
};

describe('webhooks through the API (real HTTP, real Redis, a real receiver)', () => {
  let harness: Harness;
  let receiver: WebhookReceiver;
  let acme: FixtureClient;
  let globex: FixtureClient;
  let acmeViewer: FixtureClient;
  let acmeScoped: FixtureClient;

  const token = async (
    tenantId: string,
    role: 'producer' | 'viewer',
    jobs?: ['sms.send'],
  ) =>
    harness.clientWith(
      (
        await harness.client.tokens.create.mutate({
          tenantId,
          role,
          ...(jobs ? { jobs } : {}),
        })
      ).token,
    );

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    harness = await startHarness(redisUrl, {
      adminToken,
      processors: scriptedProcessors(),
      webhooks: { allowPrivate: true, retry: { attempts: 3, backoffMs: 50 } },
    });
    acme = await token('acme', 'producer');
    globex = await token('globex', 'producer');
    acmeViewer = await token('acme', 'viewer');
    acmeScoped = await token('acme', 'producer', ['sms.send']);
  });
  afterAll(async () => {
    await harness.close();
    await receiver.close();
  });

  const bodyOf = (i: number) =>
    JSON.parse(receiver.received[i]?.body ?? 'null') as WebhookEventBody;

  it('create returns the secret once; list never shows it', async () => {
    const created = await acme.webhooks.create.mutate({
      url: receiver.url,
      events: ['job.completed'],
      label: 'ops',
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{64}$/);
    expect(created.webhook).toMatchObject({
      url: receiver.url,
      events: ['job.completed'],
      jobs: null,
      label: 'ops',
    });
    const listed = await acmeViewer.webhooks.list.query();
    expect(listed.map((w) => w.id)).toEqual([created.webhook.id]);
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    await acme.webhooks.remove.mutate({ id: created.webhook.id });
    expect(await acme.webhooks.list.query()).toEqual([]);
  });

  it('stores and returns a URL as WHATWG normalises it; a fragment is a 400', async () => {
    const created = await acme.webhooks.create.mutate({
      url: 'HTTP://LocalHost:80/a/./b/../../hook?x=1',
      events: ['job.failed'],
    });
    expect(created.webhook.url).toBe('http://localhost/hook?x=1');
    const listed = await acme.webhooks.list.query();
    expect(listed.map((w) => w.url)).toEqual(['http://localhost/hook?x=1']);
    expect(
      await refusal(
        acme.webhooks.create.mutate({
          url: 'http://localhost/hook#section',
          events: ['job.failed'],
        }),
      ),
    ).toEqual({ code: 'BAD_REQUEST', reason: 'INVALID_INPUT' });
    await acme.webhooks.remove.mutate({ id: created.webhook.id });
    expect(await acme.webhooks.list.query()).toEqual([]);
  });

  it('a completed job reaches the receiver with a signature the client helper accepts', async () => {
    const { webhook, secret } = await acme.webhooks.create.mutate({
      url: receiver.url,
      events: ['job.completed', 'job.failed'],
      jobs: ['TEST_JOB'],
    });
    // The worker's cache is refreshed every 100 ms in the harness (5 s in production).
    await new Promise((r) => setTimeout(r, 250));
    const job = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'hi' },
    });
    const delivery = await waitFor(() =>
      receiver.received.find((r) => r.body.includes(job.id)),
    );
    expect(
      verifyWebhookSignature({
        secret,
        headers: delivery.headers,
        body: delivery.body,
      }),
    ).toMatchObject({ valid: true });
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: 'job.completed',
      tenantId: 'acme',
      data: { jobId: job.id, name: 'TEST_JOB' },
    });
    const [logged] = await waitFor(async () => {
      const found = await acmeViewer.webhooks.deliveries.query({
        webhookId: webhook.id,
      });
      return found[0]?.status === 'delivered' ? found : undefined;
    });
    expect(logged).toMatchObject({
      id: delivery.headers['conveyor-delivery'],
      jobId: job.id,
      attempts: 1,
      responseStatus: 200,
    });
    await acme.webhooks.remove.mutate({ id: webhook.id });
  });

  it('test sends webhook.test; a 500 is retried; a failed delivery can be redriven', async () => {
    const { webhook } = await acme.webhooks.create.mutate({
      url: receiver.url,
      events: ['job.failed'],
    });
    receiver.received.length = 0;
    receiver.reply(() => ({ status: 500 }));
    const { deliveryId } = await acme.webhooks.test.mutate({ id: webhook.id });
    const failed = await waitFor(async () => {
      const [found] = await acme.webhooks.deliveries.query({
        status: 'failed',
      });
      return found?.id === deliveryId ? found : undefined;
    });
    expect(failed).toMatchObject({
      type: 'webhook.test',
      attempts: 3,
      lastError: 'HTTP 500',
      responseStatus: 500,
    });
    expect(receiver.received).toHaveLength(3);
    expect(bodyOf(0).type).toBe('webhook.test');

    // A viewer may look but not redrive; another tenant cannot even see it.
    expect(
      (await refusal(acmeViewer.webhooks.redrive.mutate({ id: deliveryId })))
        .code,
    ).toBe('FORBIDDEN');
    expect(
      await refusal(globex.webhooks.redrive.mutate({ id: deliveryId })),
    ).toEqual({ code: 'NOT_FOUND', reason: 'WEBHOOK_NOT_FOUND' });
    expect(await globex.webhooks.deliveries.query()).toEqual([]);

    receiver.reply(() => ({ status: 200 }));
    await acme.webhooks.redrive.mutate({ id: deliveryId });
    const delivered = await waitFor(async () => {
      const [found] = await acme.webhooks.deliveries.query({
        webhookId: webhook.id,
      });
      return found?.status === 'delivered' ? found : undefined;
    });
    expect(delivered).toMatchObject({ id: deliveryId, attempts: 1 });
    expect(
      new Set(receiver.received.map((r) => r.headers['conveyor-delivery'])),
    ).toEqual(new Set([deliveryId]));
    // Only a failed delivery goes back.
    expect(
      await refusal(acme.webhooks.redrive.mutate({ id: deliveryId })),
    ).toEqual({ code: 'CONFLICT', reason: 'INVALID_STATE' });
    await acme.webhooks.remove.mutate({ id: webhook.id });
  });

  it('a tenant cannot see, remove or test another tenant’s webhook', async () => {
    const { webhook } = await acme.webhooks.create.mutate({
      url: receiver.url,
      events: ['job.failed'],
    });
    expect(await globex.webhooks.list.query()).toEqual([]);
    for (const call of [
      globex.webhooks.remove.mutate({ id: webhook.id }),
      globex.webhooks.test.mutate({ id: webhook.id }),
    ])
      expect(await refusal(call)).toEqual({
        code: 'NOT_FOUND',
        reason: 'WEBHOOK_NOT_FOUND',
      });
    expect((await acme.webhooks.list.query()).map((w) => w.id)).toEqual([
      webhook.id,
    ]);
    await acme.webhooks.remove.mutate({ id: webhook.id });
  });

  it('needs an unscoped producer to manage webhooks; a viewer may read', async () => {
    const spec = { url: receiver.url, events: ['job.failed' as const] };
    expect((await refusal(acmeViewer.webhooks.create.mutate(spec))).code).toBe(
      'FORBIDDEN',
    );
    expect((await refusal(acmeScoped.webhooks.create.mutate(spec))).code).toBe(
      'FORBIDDEN',
    );
    expect(await acmeViewer.webhooks.list.query()).toEqual([]);
  });

  it('hostile input is a 400 that changes nothing', async () => {
    const invalid = { code: 'BAD_REQUEST', reason: 'INVALID_INPUT' };
    const bad: unknown[] = [
      { url: 'ftp://example.com/x', events: ['job.failed'] },
      { url: 'http://user:pw@example.com/', events: ['job.failed'] },
      { url: 'http://example.com/#frag', events: ['job.failed'] },
      {
        url: `https://example.com/${'a'.repeat(2_100)}`,
        events: ['job.failed'],
      },
      { url: 'not a url', events: ['job.failed'] },
      { url: receiver.url, events: [] },
      { url: receiver.url, events: ['job.retrying'] },
      { url: receiver.url, events: ['job.failed', 'job.failed'] },
      { url: receiver.url, events: ['job.failed'], jobs: ['no.such.job'] },
      { url: receiver.url, events: ['job.failed'], secret: 'mine' },
    ];
    for (const input of bad)
      expect(
        await refusal(
          acme.webhooks.create.mutate(
            input as Parameters<typeof acme.webhooks.create.mutate>[0],
          ),
        ),
        JSON.stringify(input).slice(0, 80),
      ).toEqual(invalid);
    for (const id of ['wh_x', '../../etc', 'wh_0000000000000000:x'])
      expect(await refusal(acme.webhooks.remove.mutate({ id }))).toEqual(
        invalid,
      );
    for (const id of ['dlv_1', 'x'])
      expect(await refusal(acme.webhooks.redrive.mutate({ id }))).toEqual(
        invalid,
      );
    expect(await acme.webhooks.list.query()).toEqual([]);
  });

  it('a tenant has at most 20 webhooks', async () => {
    const spec = { url: receiver.url, events: ['job.failed' as const] };
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push((await globex.webhooks.create.mutate(spec)).webhook.id);
    expect(await refusal(globex.webhooks.create.mutate(spec))).toEqual({
      code: 'BAD_REQUEST',
      reason: 'WEBHOOK_LIMIT',
    });
    expect(await globex.webhooks.list.query()).toHaveLength(20);
    for (const id of ids) await globex.webhooks.remove.mutate({ id });
  });
});

describe('webhook URLs with private addresses refused (the default)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      webhooks: { allowPrivate: false },
    });
  });
  afterAll(() => harness.close());

  it('loopback, private, link-local and metadata addresses are a 400, nothing stored', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://[::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://10.1.2.3/hook',
      'http://192.168.0.10/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00::1]/hook',
    ])
      expect(
        await refusal(
          harness.client.webhooks.create.mutate({
            url,
            events: ['job.failed'],
          }),
        ),
        url,
      ).toEqual({ code: 'BAD_REQUEST', reason: 'WEBHOOK_URL_REFUSED' });
    expect(await harness.client.webhooks.list.query()).toEqual([]);
  });
});
