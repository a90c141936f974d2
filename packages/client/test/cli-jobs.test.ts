import { fixtureRegistry } from '@conveyor/fixtures';
import { startHarness, type Harness } from '@conveyor/server/test-support';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './support/run-cli.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');

describe('conveyor jobs: the catalog from the API', () => {
  let harness: Harness;
  const tokens = { viewer: '', producer: '' };
  const conveyor = (token: string, ...args: string[]) =>
    runCli(args, `${harness.apiUrl}/trpc`, { CONVEYOR_TOKEN: token });

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken });
    for (const role of ['viewer', 'producer'] as const)
      ({ token: tokens[role] } = await harness.client.tokens.create.mutate({
        tenantId: 'acme',
        role,
      }));
  });
  afterAll(() => harness.close());

  it('lists every job of the registry as a table: queue, defaults, input', async () => {
    const run = await conveyor(tokens.viewer, 'jobs');
    expect(run.code).toBe(0);
    const [header, ...rows] = run.output.split('\n');
    expect(header?.split(/ {2,}/)).toEqual([
      'NAME',
      'QUEUE',
      'ATTEMPTS',
      'BACKOFF',
      'TIMEOUT',
      'INPUT',
    ]);
    expect(rows.map((row) => row.split(' ')[0])).toEqual(
      [...fixtureRegistry.names].sort((a, b) => a.localeCompare(b)),
    );
    const sms = fixtureRegistry.get('sms.send');
    const smsRow = rows.find((row) => row.startsWith('sms.send '));
    expect(smsRow?.split(/ {2,}/)).toEqual([
      'sms.send',
      sms?.queue,
      '5',
      'exponential 500ms ±50%',
      expect.stringMatching(/^\d+(ms|s|m|h)$/),
      expect.stringMatching(
        /^\{ to: string.*, message: string, alertId\?: string \}$/,
      ),
    ]);
    expect(rows.find((row) => row.startsWith('content.generate '))).toContain(
      'ladder 1m,5m,15m',
    );
    expect(rows.find((row) => row.startsWith('email.digest '))).toContain(
      'period: "daily" | "weekly", startDate: string (date-time)',
    );
  });

  it('--json gives each job whole: defaults, limits and input as JSON Schema', async () => {
    const run = await conveyor(tokens.viewer, 'jobs', '--json');
    expect(run.code).toBe(0);
    const catalog = JSON.parse(run.output) as {
      name: string;
      defaults: unknown;
      limits: unknown;
      input: { properties?: Record<string, unknown>; required?: string[] };
    }[];
    const sms = catalog.find((job) => job.name === 'sms.send');
    const contract = fixtureRegistry.get('sms.send');
    expect(sms?.defaults).toEqual(contract?.defaults);
    expect(sms?.limits).toEqual(contract?.limits);
    expect(Object.keys(sms?.input.properties ?? {})).toEqual([
      'to',
      'message',
      'alertId',
    ]);
    expect(sms?.input.required).toEqual(['to', 'message']);
  });

  it('needs a token like any read, exit 8', async () => {
    const run = await conveyor('not-a-token', 'jobs');
    expect(run.code).toBe(8);
    expect(run.output).not.toContain('sms.send');
  });

  it('an unknown job name gets a "did you mean", whatever its case, exit 2', async () => {
    const [upper, typo, unlike] = await Promise.all([
      conveyor(tokens.producer, 'enqueue', 'SMS.SEND', '{}'),
      conveyor(tokens.producer, 'enqueue', 'emial.digest', '{}'),
      conveyor(tokens.producer, 'enqueue', 'frobnicate', '{}'),
    ]);
    expect([upper.code, typo.code, unlike.code]).toEqual([2, 2, 2]);
    expect(upper.output).toBe(
      'Unknown job "SMS.SEND". Did you mean "sms.send"? See conveyor jobs.',
    );
    expect(typo.output).toBe(
      'Unknown job "emial.digest". Did you mean "email.digest"? See conveyor jobs.',
    );
    expect(unlike.output).toBe('Unknown job "frobnicate". See conveyor jobs.');
  });
});
