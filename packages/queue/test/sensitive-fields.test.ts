import {
  decodeEnvelope,
  DEFAULT_TENANT,
  EncryptionKeyError,
} from '@conveyor/core';
import { secretSend, sensitiveRegistry } from '@conveyor/fixtures';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { context, propagation, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
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
  assertKeysFor,
  createKeyspace,
  createProducer,
  createRedisClient,
  createWorkerPool,
  openPayload,
  reencryptRedis,
  keyringFromEnv,
  type WorkerPool,
} from '../src/index.ts';
import { dumpRedis } from './support/dump-redis.ts';

const redisUrl = inject('redisUrl');
const key = () => randomBytes(32).toString('base64');
const K1 = `k1:${key()}`;
const K2 = `k2:${key()}`;

/** The plain values: none may appear anywhere Conveyor keeps or reports the job. */
const SECRETS = [
  '+14155550100',
  '4111111111111111',
  'RCPT-SECRET-',
  '1990-02-03',
];
const payload = (n: number) => ({
  to: '+14155550100',
  message: `hello ${n}`,
  bornOn: new Date('1990-02-03T04:05:06Z'),
  cards: [{ number: '4111111111111111' }],
});

describe('sensitive() fields: sealed wherever the queue keeps them, clear for the processor', () => {
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  const keys = createKeyspace(uniquePrefix('sealed'));
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const logLines: string[] = [];
  const logger = pino(
    { level: 'trace' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  );
  const seen: unknown[] = [];
  let pool: WorkerPool | undefined;
  const producer = () =>
    createProducer({
      registry: sensitiveRegistry,
      redis,
      keys,
      tenantId: DEFAULT_TENANT,
    });
  const startPool = () =>
    createWorkerPool({
      registry: sensitiveRegistry,
      redis,
      keys,
      logger,
      processors: {
        TEST_JOB: ({ message }) => Promise.resolve({ echoed: message }),
        'secret.send': (data, { attempt }) => {
          seen.push(data);
          // A failed first attempt: its error and stack go to logs and history.
          if (data.message.startsWith('fail') && attempt === 1)
            throw new Error('provider timeout');
          return Promise.resolve({
            receipt: `RCPT-SECRET-${data.message}`,
            status: 'sent',
          });
        },
      },
    });

  beforeAll(() => {
    provider.register();
  });
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });
  afterAll(async () => {
    delete process.env['CONVEYOR_ENCRYPTION_KEYS'];
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
    await deletePrefix(redisUrl, keys.prefix);
    redis.disconnect();
  });

  it('refuses a sensitive job without a key (nothing stored) and starts nothing; a plain job needs none', async () => {
    delete process.env['CONVEYOR_ENCRYPTION_KEYS'];
    const p = producer();
    await expect(
      p.enqueue({ name: 'secret.send', data: payload(0) }),
    ).rejects.toBeInstanceOf(EncryptionKeyError);
    expect(await p.queue('sms').getJobCounts()).toMatchObject({
      waiting: 0,
      delayed: 0,
    });
    expect(() => assertKeysFor(sensitiveRegistry)).toThrow(
      /secret\.send has sensitive fields/,
    );
    const plain = await p.enqueue({
      name: 'TEST_JOB',
      data: { message: 'no key needed' },
    });
    const stored = await p.queue('default').getJob(plain.id);
    expect(stored?.data).not.toHaveProperty('s');
    await p.close();
  });

  it('seals on enqueue and in the result; the processor gets the plain values; Redis, spans and logs hold none', async () => {
    process.env['CONVEYOR_ENCRYPTION_KEYS'] = K1;
    const p = producer();
    const a = await p.enqueue({
      name: 'secret.send',
      data: payload(1),
      options: { idempotencyKey: 'order-1' },
    });
    // The fingerprint is keyed on the plain payload: a replay is the same job, another payload is refused.
    const replay = await p.enqueue({
      name: 'secret.send',
      data: payload(1),
      options: { idempotencyKey: 'order-1' },
    });
    expect(replay.id).toBe(a.id);
    await expect(
      p.enqueue({
        name: 'secret.send',
        data: { ...payload(1), to: '+14155550199' },
        options: { idempotencyKey: 'order-1' },
      }),
    ).rejects.toThrow();
    const b = await p.enqueue({
      name: 'secret.send',
      data: { ...payload(2), message: 'fail 2' },
    });
    const stored = await p.queue('sms').getJob(a.id);
    expect(stored?.data).toMatchObject({ s: 1 });
    expect(JSON.stringify(stored?.data)).toContain('cvs1.k1.');
    pool = startPool();
    await waitFor(async () => {
      const [x, y] = await Promise.all(
        [a.id, b.id].map((id) => p.queue('sms').getJob(id)),
      );
      return x?.finishedOn && y?.finishedOn ? true : undefined;
    }, 30_000);
    expect(seen).toContainEqual(payload(1));
    const first = seen[0] as { bornOn: unknown };
    expect(first.bornOn).toBeInstanceOf(Date);
    const done = await p.queue('sms').getJob(b.id);
    expect(done?.returnvalue).toMatchObject({ s: 1 });
    expect(
      openPayload(
        secretSend,
        'result',
        decodeEnvelope(done?.returnvalue).payload,
      ),
    ).toEqual({ receipt: 'RCPT-SECRET-fail 2', status: 'sent' });
    const everything = [
      await dumpRedis(redis, keys.prefix),
      JSON.stringify(
        exporter
          .getFinishedSpans()
          .map((s) => [s.name, s.attributes, s.events]),
      ),
      logLines.join(''),
    ].join('\n');
    expect(logLines.join('')).toContain('provider timeout');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    await p.close();
  });

  it('rotates: new writes under the new key, old ones still open, and reencrypt leaves nothing under the old key', async () => {
    process.env['CONVEYOR_ENCRYPTION_KEYS'] = K1;
    const p = producer();
    const old = await p.enqueue({ name: 'secret.send', data: payload(3) });
    process.env['CONVEYOR_ENCRYPTION_KEYS'] = `${K2},${K1}`;
    const fresh = await p.enqueue({ name: 'secret.send', data: payload(4) });
    expect(
      JSON.stringify((await p.queue('sms').getJob(fresh.id))?.data),
    ).toContain('cvs1.k2.');
    seen.length = 0;
    pool = startPool();
    await waitFor(async () => {
      const jobs = await Promise.all(
        [old.id, fresh.id].map((id) => p.queue('sms').getJob(id)),
      );
      return jobs.every((j) => j?.finishedOn) ? true : undefined;
    }, 30_000);
    await pool.close();
    pool = undefined;
    expect(seen).toEqual(expect.arrayContaining([payload(3), payload(4)]));
    const report = await reencryptRedis({
      redis,
      keys,
      keyring: keyringFromEnv()!,
      jobNames: sensitiveRegistry.names,
    });
    expect(report.resealed).toBeGreaterThan(0);
    expect(report.unopened).toBe(0);
    // Hashes and strings: streams (events) age out by themselves.
    const kept = (await dumpRedis(redis, keys.prefix))
      .split('\n')
      .filter((line) => !line.includes(' stream '));
    expect(kept.join('\n')).not.toContain('cvs1.k1.');
    // Run twice: nothing left to do.
    expect(
      (
        await reencryptRedis({
          redis,
          keys,
          keyring: keyringFromEnv()!,
          jobNames: sensitiveRegistry.names,
        })
      ).resealed,
    ).toBe(0);
    // The old key removed: what it sealed still opens, now under k2.
    process.env['CONVEYOR_ENCRYPTION_KEYS'] = K2;
    const job = await p.queue('sms').getJob(old.id);
    expect(
      openPayload(secretSend, 'data', decodeEnvelope(job?.data).payload),
    ).toEqual(payload(3));
    await p.close();
  });
});
