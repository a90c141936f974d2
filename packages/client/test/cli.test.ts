import { spawnTsProcess, waitFor } from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Output } from '../src/cli/output.ts';
import { runCli } from '../src/cli/run.ts';
import { startHarness, type Harness } from './harness.ts';
import { scriptedProcessors } from './processors.ts';

const redisUrl = inject('redisUrl');

describe('conveyor CLI against a running system', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      processors: scriptedProcessors(),
    });
  });
  afterAll(() => harness.close());

  /** Runs the CLI in-process, capturing what it prints. */
  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: Output = {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      isTTY: false,
    };
    const code = await runCli(argv, io, {
      CONVEYOR_URL: `${harness.apiUrl}/trpc`,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const jsonOf = (text: string) =>
    JSON.parse(text.split('\n')[0] ?? '') as Record<string, unknown>;
  const settled = (id: string) =>
    waitFor(async () => {
      const job = await harness.client.jobs.get.query({ id });
      return ['completed', 'failed', 'cancelled'].includes(job.state)
        ? job
        : undefined;
    });

  it('enqueues, for people and for scripts', async () => {
    const human = await cli(
      'enqueue',
      'TEST_JOB',
      '{"message":"from the cli"}',
    );
    expect(human.code).toBe(0);
    expect(human.out).toMatch(
      /^Enqueued TEST_JOB as job \S+ on queue "default"$/,
    );

    const machine = await cli(
      'enqueue',
      'sms.send',
      '{"to":"+14155550123","message":"hi"}',
      '--json',
      '--priority',
      '2',
    );
    expect(machine.code).toBe(0);
    const job = jsonOf(machine.out);
    expect(job).toEqual({
      id: expect.any(String),
      name: 'sms.send',
      queue: 'sms',
    });
    expect((await settled(String(job.id))).state).toBe('completed');
  });

  it('accepts ISO date strings where the job wants Dates', async () => {
    const result = await cli(
      'enqueue',
      'email.digest',
      '{"userId":"cli","period":"weekly","startDate":"2026-11-15","endDate":"2026-11-22T00:00:00Z"}',
      '--json',
    );
    expect(result.code).toBe(0);
    const job = await settled(String(jsonOf(result.out).id));
    if (job.name !== 'email.digest') throw new Error('wrong job');
    expect(job.data.startDate).toEqual(new Date('2026-11-15'));
  });

  it('invalid JSON and invalid payloads exit 2 with the issues, not a stack', async () => {
    const badJson = await cli('enqueue', 'TEST_JOB', '{message:');
    expect(badJson.code).toBe(2);
    expect(badJson.err).toMatch(/^The payload is not valid JSON/);

    const badPayload = await cli(
      'enqueue',
      'sms.send',
      '{"to":"555","message":""}',
    );
    expect(badPayload.code).toBe(2);
    expect(badPayload.err).toBe(
      [
        'Invalid input:',
        '  data.to: Phone number must be in E.164 format, e.g. +14155550123',
        '  data.message: Too small: expected string to have >=1 characters',
      ].join('\n'),
    );
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command "frobnicate"');
  });

  it('get shows a job, or exits 3 when there is none', async () => {
    const { id } = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'get me' },
    });
    await settled(id);
    const found = await cli('get', id, '--json');
    expect(found.code).toBe(0);
    expect(jsonOf(found.out)).toMatchObject({
      id,
      name: 'TEST_JOB',
      state: 'completed',
      result: { echoed: 'get me' },
    });
    const human = await cli('get', id);
    expect(human.out).toMatch(/^FIELD\s+VALUE\nid\s+\S+/);
    const missing = await cli('get', 'does-not-exist');
    expect([missing.code, missing.err]).toEqual([
      3,
      'No job with id "does-not-exist"',
    ]);
  });

  it('list filters by state and name; stats counts per queue', async () => {
    const { id } = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'listed' },
      options: { delay: 60_000 },
    });
    const listed = await cli(
      'list',
      '--state',
      'delayed',
      '--name',
      'TEST_JOB',
      '--json',
    );
    expect(listed.code).toBe(0);
    const page = jsonOf(listed.out) as {
      items: { id: string; state: string }[];
    };
    expect(page.items.map((j) => j.id)).toContain(id);
    expect(page.items.every((j) => j.state === 'delayed')).toBe(true);

    const table = await cli('list', '--state', 'delayed', '--limit', '5');
    expect(table.out.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+STATE\s+CREATED\s+ATTEMPTS$/,
    );

    const stats = await cli('stats', '--json');
    expect(
      (jsonOf(stats.out) as Record<string, { delayed: number }>).default
        ?.delayed,
    ).toBeGreaterThanOrEqual(1);
    expect((await cli('stats')).out.split('\n')[0]).toMatch(
      /^QUEUE\s+WAITING\s+DELAYED\s+ACTIVE\s+COMPLETED\s+FAILED$/,
    );
  });

  it('cancel, retry and watch exit with the job’s outcome', async () => {
    const { id } = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'cancel via cli' },
      options: { delay: 60_000 },
    });
    expect(await cli('cancel', id)).toMatchObject({
      code: 0,
      out: `Job ${id}: cancelled`,
    });
    expect((await cli('cancel', id)).code).toBe(4); // already cancelled: conflict
    expect(await cli('watch', id)).toMatchObject({
      code: 7,
      out: 'Cancelled: cancelled by request',
    });
    expect(await cli('retry', id)).toMatchObject({
      code: 0,
      out: `Job ${id}: waiting`,
    });
    expect(await cli('watch', id)).toMatchObject({
      code: 0,
      out: 'Completed: {"echoed":"cancel via cli"}',
    });

    const failing = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'always-fail' },
      options: { attempts: 1 },
    });
    expect(await cli('watch', failing.id)).toMatchObject({
      code: 6,
      out: 'Failed: boom on attempt 1',
    });

    const digest = await harness.client.enqueue.mutate({
      name: 'email.digest',
      data: {
        userId: 'slow-cli',
        period: 'daily',
        startDate: new Date('2026-11-21'),
        endDate: new Date('2026-11-22'),
      },
    });
    const watched = await cli('watch', digest.id);
    expect(watched.code).toBe(0);
    expect(watched.out).toContain('[##############################] 100%');
    expect(watched.out.split('\n').at(-1)).toBe(
      'Completed: {"messageId":"mail-slow-cli","itemCount":3}',
    );
  });

  it('the real binary exits 5 with a clear message when the API is down', async () => {
    const cliProcess = spawnTsProcess(
      fileURLToPath(new URL('../src/cli.ts', import.meta.url)),
      {
        args: ['stats'],
        env: { ...process.env, CONVEYOR_URL: 'http://127.0.0.1:9/trpc' },
      },
    );
    expect(await cliProcess.exited).toBe(5);
    const text = cliProcess.lines.map((l) => l.text).join('\n');
    expect(text).toBe(
      'Cannot reach the Conveyor API at http://127.0.0.1:9/trpc (fetch failed). Is it running? Set --url or CONVEYOR_URL.',
    );
  });
});
