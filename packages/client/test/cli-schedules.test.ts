import { startHarness, type Harness } from '@conveyor/server/test-support';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './support/run-cli.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');
const FEED = 'c.feed.sync.configured';

describe('conveyor schedules …', () => {
  let harness: Harness;
  let token = '';
  const conveyor = (...args: string[]) =>
    runCli(args, `${harness.apiUrl}/trpc`, { CONVEYOR_TOKEN: token });

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken });
    ({ token } = await harness.client.tokens.create.mutate({
      tenantId: 'acme',
      role: 'producer',
    }));
  });
  afterAll(() => harness.close());

  it('sets, lists, shows, pauses and removes a schedule', async () => {
    const set = await conveyor(
      'schedules',
      'set',
      'nightly',
      'TEST_JOB',
      '{"message":"report"}',
      '--cron',
      '0 3 * * *',
      '--tz',
      'Europe/Paris',
      '--missed',
      'skip',
    );
    expect(set.code).toBe(0);
    expect(set.output).toContain(
      'nightly: TEST_JOB cron 0 3 * * * (Europe/Paris), missed runs: skip',
    );
    expect(set.output.match(/ {2}next: /g)).toHaveLength(5);

    const list = await conveyor('schedules', 'list', '--json');
    expect(JSON.parse(list.output)).toEqual([
      expect.objectContaining({ name: FEED, source: 'contract' }),
      expect.objectContaining({
        name: 'nightly',
        source: 'runtime',
        paused: false,
      }),
    ]);
    const paused = await conveyor('schedules', 'pause', 'nightly');
    expect(paused.output).toContain('paused');
    expect((await conveyor('schedules', 'run', 'nightly')).output).toMatch(
      /Enqueued TEST_JOB as job [0-9a-f-]{36}/,
    );
    expect((await conveyor('schedules', 'remove', 'nightly')).code).toBe(0);
    const gone = await conveyor('schedules', 'get', 'nightly');
    expect(gone.code).toBe(3);
  });

  it('lists the contract’s schedules beside the tenant’s, with source, next run and last tick', async () => {
    await harness.services.schedules.reconcile();
    const list = await conveyor('schedules', 'list');
    expect(list.code).toBe(0);
    const [header, ...rows] = list.output.split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'NAME',
      'SOURCE',
      'JOB',
      'TIMING',
      'STATE',
      'NEXT RUN',
      'LAST',
    ]);
    // feed.sync fired at once on reconcile (an interval does); the job is
    // the default tenant's, so acme sees that it fired, not its state.
    const feed = rows.find((row) => row.startsWith(FEED))?.split(/\s{2,}/);
    expect(feed).toEqual([
      FEED,
      'contract',
      'feed.sync',
      'every 900s',
      'active',
      expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      'fired',
    ]);
    const got = await conveyor('schedules', 'get', FEED);
    expect(got.output).toContain('read-only');
    expect(got.output.match(/ {2}next: /g)).toHaveLength(5);
    const refused = await conveyor('schedules', 'pause', FEED);
    expect(refused.code).toBe(8);
    expect(refused.output).toContain(
      `Schedule "${FEED}" is declared in the contract (job feed.sync); change it there`,
    );
  });

  it('refuses a schedule without a timing, and a bad one, with exit 2', async () => {
    const none = await conveyor(
      'schedules',
      'set',
      'x',
      'TEST_JOB',
      '{"message":"m"}',
    );
    expect(none.code).toBe(2);
    expect(none.output).toContain('Give --cron or --every');
    const bad = await conveyor(
      'schedules',
      'set',
      'x',
      'TEST_JOB',
      '{"message":"m"}',
      '--every',
      '5ms',
    );
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('every is between');
  });
});
