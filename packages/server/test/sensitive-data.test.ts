import { sensitiveRegistry, type FixtureRegistry } from '@conveyor/fixtures';
import type { ProcessorMap } from '@conveyor/queue';
import { createTestDatabase, waitFor } from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../../packages/webhooks/test/support/webhook-receiver.ts';
import { dumpRedis } from '../../../packages/queue/test/support/dump-redis.ts';
import { createRedisClient } from '@conveyor/queue';
import { startHarness, type Harness } from './support/harness.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');
const adminToken = randomBytes(32).toString('base64url');

const SECRETS = [
  '+14155550100',
  '4111111111111111',
  'RCPT-SECRET',
  '1990-02-03',
];
const DATA = {
  to: '+14155550100',
  message: 'hello',
  bornOn: new Date('1990-02-03T04:05:06Z'),
  cards: [{ number: '4111111111111111' }],
};

/**
 * The harness serves the fixture catalog's types; this suite's catalog is
 * the sensitive one, so its calls go through an untyped view of the client.
 */
type Loose = {
  enqueue: { mutate(input: unknown): Promise<{ id: string }> };
  jobs: { get: { query(input: unknown): Promise<Record<string, unknown>> } };
  history: {
    get: { query(input: unknown): Promise<{ job: Record<string, unknown> }> };
  };
  schedules: {
    upsert: { mutate(input: unknown): Promise<Record<string, unknown>> };
  };
  webhooks: { create: { mutate(input: unknown): Promise<unknown> } };
  tokens: { create: { mutate(input: unknown): Promise<{ token: string }> } };
  encryption: { reencrypt: { mutate(): Promise<ReencryptResult> } };
};
interface ReencryptResult {
  keyId: string;
  redis: { resealed: number; unopened: number };
  history: { resealed: number; unopened: number } | null;
}

describe('sensitive() fields through the API: sealed at rest, redacted for all but admins', () => {
  let harness: Harness;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let receiver: WebhookReceiver;
  let admin: Loose;
  let producer: Loose;
  let viewer: Loose;
  const seen: unknown[] = [];

  beforeAll(async () => {
    process.env['CONVEYOR_ENCRYPTION_KEYS'] =
      `k1:${randomBytes(32).toString('base64')}`;
    receiver = await startWebhookReceiver();
    database = await createTestDatabase(postgresUrl);
    const processors = {
      TEST_JOB: ({ message }: { message: string }) =>
        Promise.resolve({ echoed: message }),
      'secret.send': (data: { message: string }) => {
        seen.push(data);
        return Promise.resolve({
          receipt: `RCPT-SECRET-${data.message}`,
          status: 'sent',
        });
      },
    };
    harness = await startHarness(redisUrl, {
      adminToken,
      registry: sensitiveRegistry as unknown as FixtureRegistry,
      processors: processors as unknown as ProcessorMap<FixtureRegistry>,
      history: { databaseUrl: database.url },
      webhooks: { allowPrivate: true },
    });
    admin = harness.client as unknown as Loose;
    const tokenFor = async (role: 'producer' | 'viewer') =>
      harness.clientWith(
        (await admin.tokens.create.mutate({ tenantId: 'default', role })).token,
      ) as unknown as Loose;
    producer = await tokenFor('producer');
    viewer = await tokenFor('viewer');
  });
  afterAll(async () => {
    delete process.env['CONVEYOR_ENCRYPTION_KEYS'];
    await harness.close();
    await receiver.close();
    await database.drop();
  });

  it('the processor gets them in clear; jobs.get shows them to admins only; history, Redis, PostgreSQL and webhook bodies never in clear', async () => {
    await producer.webhooks.create.mutate({
      url: receiver.url,
      events: ['job.completed'],
    });
    // The worker's webhook cache refreshes every 100 ms in the harness.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const { id } = await producer.enqueue.mutate({
      name: 'secret.send',
      data: DATA,
    });
    const row = await waitFor(
      async () => {
        const found = await viewer.history.get.query({ id }).catch(() => null);
        return found?.job['state'] === 'completed' ? found.job : undefined;
      },
      30_000,
      'the job completed in history',
    );
    expect(seen).toEqual([DATA]);
    expect(row['data']).toEqual({
      to: '[sensitive]',
      message: 'hello',
      bornOn: '[sensitive]',
      cards: [{ number: '[sensitive]' }],
    });
    expect(row['result']).toEqual({ receipt: '[sensitive]', status: 'sent' });
    for (const who of [viewer, producer]) {
      const view = await who.jobs.get.query({ id });
      expect(view['data']).toMatchObject({
        to: '[sensitive]',
        message: 'hello',
      });
      expect(view['result']).toEqual({
        receipt: '[sensitive]',
        status: 'sent',
      });
    }
    const clear = await admin.jobs.get.query({ id });
    expect(clear['data']).toEqual(DATA);
    expect(clear['result']).toEqual({
      receipt: 'RCPT-SECRET-hello',
      status: 'sent',
    });
    await waitFor(
      () => receiver.received.find((r) => r.body.includes(id)),
      15_000,
    );

    const schedule = await producer.schedules.upsert.mutate({
      name: 'nightly-secret',
      job: 'secret.send',
      data: DATA,
      cron: '0 3 * * *',
    });
    expect(schedule['data']).toMatchObject({
      to: '[sensitive]',
      message: 'hello',
    });

    const redis = createRedisClient(redisUrl, { preset: 'worker' });
    const stores = [
      await dumpRedis(redis, harness.prefix),
      await everyTable(database.url),
      receiver.received.map((r) => r.body).join('\n'),
    ];
    redis.disconnect();
    expect(stores[0]).toContain('cvs1.k1.');
    expect(stores[1]).toContain('cvs1.k1.');
    for (const store of stores)
      for (const secret of SECRETS) expect(store).not.toContain(secret);
  });

  it('rotates: reencrypt (admin only) reseals Redis and history under the new key; the old key can then go', async () => {
    const { id } = await producer.enqueue.mutate({
      name: 'secret.send',
      data: { ...DATA, message: 'rotate' },
    });
    await waitFor(
      async () => {
        const found = await viewer.history.get.query({ id }).catch(() => null);
        return found?.job['state'] === 'completed' ? true : undefined;
      },
      30_000,
      'the job completed in history',
    );
    const k1 = process.env['CONVEYOR_ENCRYPTION_KEYS'];
    process.env['CONVEYOR_ENCRYPTION_KEYS'] =
      `k2:${randomBytes(32).toString('base64')},${k1}`;
    await expect(viewer.encryption.reencrypt.mutate()).rejects.toMatchObject({
      data: { code: 'FORBIDDEN' },
    });
    const report = await admin.encryption.reencrypt.mutate();
    expect(report.keyId).toBe('k2');
    expect(report.redis.resealed).toBeGreaterThan(0);
    expect(report.history?.resealed).toBeGreaterThan(0);
    expect(report.redis.unopened + (report.history?.unopened ?? 0)).toBe(0);
    const tables = await everyTable(database.url);
    expect(tables).toContain('cvs1.k2.');
    expect(tables).not.toContain('cvs1.k1.');
    process.env['CONVEYOR_ENCRYPTION_KEYS'] = (
      process.env['CONVEYOR_ENCRYPTION_KEYS'] ?? ''
    ).split(',')[0];
    const clear = await admin.jobs.get.query({ id });
    expect(clear['data']).toEqual({ ...DATA, message: 'rotate' });
  });
});

/** Every row of every table in the history database, as text. */
async function everyTable(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      `select quote_ident(table_schema) || '.' || quote_ident(table_name) as name
       from information_schema.tables
       where table_schema not in ('pg_catalog', 'information_schema')`,
    );
    const parts: string[] = [];
    for (const { name } of tables) {
      const { rows } = await client.query(
        `select t::text as row from ${name} t`,
      );
      parts.push(
        `${name}: ${rows.map((r: { row: string }) => r.row).join('\n')}`,
      );
    }
    return parts.join('\n');
  } finally {
    await client.end();
  }
}
