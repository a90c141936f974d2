import { createKeyspace, createRedisClient } from '@conveyor/queue';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOutput } from '../src/cli/output.ts';
import { runCli } from '../src/cli/run.ts';
import { startHarness, type Harness } from '@conveyor/server/test-support';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');

describe('conveyor tenants and get, for flow control', () => {
  let harness: Harness;
  const redis = createRedisClient(redisUrl, { preset: 'worker' });

  /** The CLI in this process: its exit code and what it wrote. */
  async function conveyor(args: string[], token = adminToken) {
    const out: string[] = [];
    const err: string[] = [];
    const stream = (lines: string[]) => ({
      write: (chunk: string) => lines.push(chunk) > 0,
    });
    const code = await runCli(args, createOutput(stream(out), stream(err)), {
      CONVEYOR_URL: `${harness.apiUrl}/trpc`,
      CONVEYOR_TOKEN: token,
    });
    return { code, stdout: out.join('').trimEnd(), stderr: err.join('') };
  }

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken });
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  it('tenants weight sets and clears a weight; tenants limits shows it', async () => {
    const set = await conveyor(['tenants', 'weight', 'acme', '3']);
    expect(set.code).toBe(0);
    expect(set.stdout.split('\n')[0]?.split(/\s+/)).toEqual([
      'TENANT',
      'UNFINISHED',
      'RATE/S',
      'BURST',
      'SCHEDULES',
      'WEIGHT',
    ]);
    expect(set.stdout.split('\n')[1]?.split(/\s+/).at(-1)).toBe('3');
    const shown = await conveyor(['tenants', 'limits', 'acme', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ weight: 3 });
    const weights = `${createKeyspace(harness.prefix).flowPrefix('email')}weights`;
    expect(await redis.hget(weights, 'acme')).toBe('3');

    const cleared = await conveyor([
      'tenants',
      'weight',
      'acme',
      'default',
      '--json',
    ]);
    expect(JSON.parse(cleared.stdout)).toMatchObject({ weight: 1 });
    expect(await redis.hget(weights, 'acme')).toBeNull();
  });

  it.each(['0', '1001', '2.5', 'heavy', '1e3'])(
    'a weight of "%s" is a usage error that sends nothing',
    async (weight) => {
      const run = await conveyor(['tenants', 'weight', 'acme', weight]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/A weight is a whole number from 1 to 1000/);
    },
  );

  it('only an admin may set a weight (exit 8)', async () => {
    const { token } = await harness.client.tokens.create.mutate({
      tenantId: 'acme',
      role: 'producer',
    });
    expect(
      (await conveyor(['tenants', 'weight', 'acme', '9'], token)).code,
    ).toBe(8);
  });

  it('get says why a held job waits', async () => {
    const job = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'held' },
      options: { delay: 600_000 },
    });
    // Held as keyspace.ts documents it (the lead's dispatch tests cover the real path).
    const keys = createKeyspace(harness.prefix);
    const fc = keys.flowPrefix('default');
    const lane = 'default:TEST_JOB:customer-7';
    await redis.zrem(keys.bull('default', 'delayed'), job.id);
    await redis.zadd(`${fc}lane:${lane}`, 1, job.id);
    await redis.hset(keys.bull('default', job.id), {
      cvh: '1',
      cvf: JSON.stringify({ l: lane, c: 1, r: null, f: true }),
    });
    const shown = await conveyor(['get', job.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^state +waiting$/m);
    expect(shown.stdout).toMatch(
      /^waitingFor +held: waiting its tenant's turn \(fair share\) \(key customer-7, position 1 in line\)$/m,
    );
  });
});
