import { startHarness, type Harness } from '@conveyor/server/test-support';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './support/run-cli.ts';

const redisUrl = inject('redisUrl');

describe('conveyor webhooks …', () => {
  let harness: Harness;
  const conveyor = (args: string[]) => runCli(args, `${harness.apiUrl}/trpc`);

  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      webhooks: { allowPrivate: true },
    });
  });
  afterAll(() => harness.close());

  it('creates (printing the secret once), lists, tests and removes', async () => {
    const created = await conveyor([
      'webhooks',
      'create',
      'http://127.0.0.1:9/hook',
      'job.failed,job.dead-lettered',
      '--jobs',
      'sms.send',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const { webhook, secret } = JSON.parse(created.output) as {
      webhook: { id: string };
      secret: string;
    };
    expect(secret).toMatch(/^whsec_/);
    const listed = await conveyor(['webhooks', 'list']);
    expect(listed.output).toContain(webhook.id);
    expect(listed.output).not.toContain(secret);
    const tested = await conveyor(['webhooks', 'test', webhook.id]);
    expect(tested.output).toMatch(/Test delivery dlv_[0-9a-f]{32} queued/);
    const deliveries = await conveyor(['webhooks', 'deliveries', '--json']);
    expect(JSON.parse(deliveries.output)).toMatchObject([
      { webhookId: webhook.id, type: 'webhook.test', status: 'pending' },
    ]);
    expect((await conveyor(['webhooks', 'remove', webhook.id])).code).toBe(0);
    const gone = await conveyor(['webhooks', 'remove', webhook.id]);
    expect(gone.code).toBe(3);
    const bad = await conveyor(['webhooks', 'create', 'ftp://x', 'job.failed']);
    expect(bad.code).toBe(2);
  }, 60_000);
});
