import {
  getFreePort,
  spawnTsProcess,
  waitFor,
  type TsProcess,
} from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOutput } from '../src/cli/output.ts';
import { runCli } from '../src/cli/run.ts';
import {
  scriptedProcessors,
  startHarness,
  type Harness,
} from '@conveyor/server/test-support';

const redisUrl = inject('redisUrl');
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
/** Any line of a Node stack trace. */
const STACK_LINE = /^\s+at /m;

interface Run {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

describe('the conveyor CLI against a running API and worker', () => {
  let harness: Harness;
  let apiUrl: string;
  const seen: { name: string; payload: unknown }[] = [];

  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      processors: scriptedProcessors(seen),
    });
    apiUrl = `${harness.apiUrl}/trpc`;
  });
  afterAll(() => harness.close());

  /** The real entry point in a child process, as a shell would run it. */
  function start(
    args: string[],
    env: NodeJS.ProcessEnv = { CONVEYOR_URL: apiUrl },
  ): { cli: TsProcess; done: Promise<Run> } {
    const cli = spawnTsProcess(CLI, { args, env: { ...process.env, ...env } });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    cli.child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    cli.child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    // 'close', not 'exit': only then has all the output been read.
    const done = new Promise<Run>((resolve) =>
      cli.child.once('close', (code, signal) =>
        resolve({
          code: code ?? signal,
          stdout: Buffer.concat(stdout).toString().trimEnd(),
          stderr: Buffer.concat(stderr).toString().trimEnd(),
        }),
      ),
    );
    return { cli, done };
  }
  const conveyor = (args: string[], env?: NodeJS.ProcessEnv) =>
    start(args, env).done;
  /** A digest that waits until promoted, then reports progress slowly. */
  const delayedDigest = (userId: string) =>
    harness.client.enqueue.mutate({
      name: 'email.digest',
      data: {
        userId,
        period: 'daily',
        startDate: new Date('2026-11-21'),
        endDate: new Date('2026-11-22'),
      },
      options: { delay: 60_000 },
    });
  const parsed = (run: Run) =>
    JSON.parse(run.stdout) as Record<string, unknown>;
  const settled = (id: string) =>
    waitFor(async () => {
      const job = await harness.client.jobs.get.query({ id });
      return ['completed', 'failed', 'cancelled'].includes(job.state)
        ? job
        : undefined;
    });
  const runsOf = (message: string) =>
    seen.filter((s) => (s.payload as { message?: string }).message === message)
      .length;

  it('enqueues with a sentence for people and one JSON document for scripts', async () => {
    const [human, machine] = await Promise.all([
      conveyor(['enqueue', 'TEST_JOB', '{"message":"from the cli"}']),
      conveyor([
        'enqueue',
        'sms.send',
        '{"to":"+14155550123","message":"hi"}',
        '--json',
        '--priority',
        '2',
        '--idempotency-key',
        'cli-key',
      ]),
    ]);
    expect(human).toMatchObject({ code: 0, stderr: '' });
    const id = /^Enqueued TEST_JOB as job (\S+) on queue "default"$/.exec(
      human.stdout,
    )?.[1];
    expect(id).toBeDefined();
    expect((await settled(id ?? '')).data).toEqual({
      message: 'from the cli',
    });

    expect(machine.code).toBe(0);
    const job = parsed(machine);
    expect(job).toEqual({
      id: expect.any(String),
      name: 'sms.send',
      queue: 'sms',
      replayed: false,
    });
    expect((await settled(String(job.id))).state).toBe('completed');

    // The same key: the same job back, said to be a replay (exit 0); with
    // another payload: a 422, which exits with the conflict code.
    const [again, replayed, conflicting] = await Promise.all([
      conveyor([
        'enqueue',
        'sms.send',
        '{"to":"+14155550123","message":"hi"}',
        '--idempotency-key=cli-key',
        '--json',
      ]),
      conveyor([
        'enqueue',
        'sms.send',
        '{"to":"+14155550123","message":"hi"}',
        '--idempotency-key=cli-key',
      ]),
      conveyor([
        'enqueue',
        'sms.send',
        '{"to":"+14155550123","message":"changed"}',
        '--idempotency-key=cli-key',
      ]),
    ]);
    expect(parsed(again)).toMatchObject({ id: job.id, replayed: true });
    expect(replayed).toMatchObject({ code: 0, stderr: '' });
    expect(replayed.stdout).toBe(
      `sms.send: replayed: job ${String(job.id)} on queue "sms" was already enqueued with this idempotency key (nothing new enqueued)`,
    );
    expect(conflicting.code).toBe(4);
    expect(conflicting.stderr).toMatch(/different payload/);
    expect(conflicting.stderr).not.toMatch(STACK_LINE);
  });

  it('bad usage, bad JSON and invalid payloads exit 2 with a message, never a stack', async () => {
    const runs = await Promise.all([
      conveyor(['enqueue', 'TEST_JOB', '{message:']),
      conveyor(['enqueue', 'sms.send', '{"to":"555","message":""}']),
      conveyor(['enqueue', 'sms.sned', '{}']),
      conveyor(['frobnicate']),
      conveyor(['get']),
      conveyor(['get', 'x', '--delay', '5']),
      conveyor(['list', '--limit', 'ten']),
      conveyor(['stats', '--url', 'not a url']),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toMatch(STACK_LINE);
    }
    const [badJson, badPayload, unknownJob, ...usage] = runs.map(
      (r) => r.stderr,
    );
    expect(badJson).toMatch(/^The payload is not valid JSON: /);
    expect(badPayload).toBe(
      [
        'Invalid input:',
        '  data.to: Phone number must be in E.164 format, e.g. +14155550123',
        '  data.message: Too small: expected string to have >=1 characters',
      ].join('\n'),
    );
    expect(unknownJob).toBe(
      'Unknown job "sms.sned". Did you mean "sms.send"? See conveyor jobs.',
    );
    expect(usage).toEqual([
      expect.stringContaining('Unknown command "frobnicate"'),
      expect.stringContaining('Missing arguments. Usage: conveyor get <id>'),
      expect.stringContaining('get does not take --delay'),
      expect.stringContaining('--limit must be a whole number, got "ten"'),
      expect.stringContaining('"not a url" is not an http(s) URL (from --url)'),
    ]);
  });

  it('turns ISO strings into Dates exactly where the job wants them', async () => {
    const [iso, notIso, reversed] = await Promise.all([
      conveyor([
        'enqueue',
        'email.digest',
        '{"userId":"cli","period":"weekly","startDate":"2026-11-15","endDate":"2026-11-22T08:30:00+01:00"}',
        '--json',
      ]),
      conveyor([
        'enqueue',
        'email.digest',
        '{"userId":"cli","period":"weekly","startDate":"last monday","endDate":"2026-11-22"}',
      ]),
      conveyor([
        'enqueue',
        'email.digest',
        '{"userId":"cli","period":"weekly","startDate":"2026-11-22","endDate":"2026-11-15"}',
      ]),
    ]);
    expect(iso.code).toBe(0);
    const job = await settled(String(parsed(iso).id));
    expect(job.data).toEqual({
      userId: 'cli',
      period: 'weekly',
      startDate: new Date('2026-11-15T00:00:00Z'),
      endDate: new Date('2026-11-22T07:30:00Z'),
    });
    // Not a date: left as it is, and the API's issue is shown.
    expect([notIso.code, notIso.stderr]).toEqual([
      2,
      'Invalid input:\n  data.startDate: Invalid input: expected date, received string',
    ]);
    // Converted, then the schema's own rule about the Dates has its say.
    expect([reversed.code, reversed.stderr]).toEqual([
      2,
      'Invalid input:\n  data.endDate: startDate must be before endDate',
    ]);
  });

  it('get shows a job as a table or JSON; get and watch exit 3 for an unknown id', async () => {
    const { id } = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'get me' },
    });
    await settled(id);
    const [human, machine, missing, unwatchable] = await Promise.all([
      conveyor(['get', id]),
      conveyor(['get', id, '--json']),
      conveyor(['get', 'no-such-job']),
      conveyor(['watch', 'no-such-job']),
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^FIELD +VALUE$/m);
    expect(human.stdout).toMatch(new RegExp(`^id +${id}$`, 'm'));
    expect(human.stdout).toMatch(/^result +\{"echoed":"get me"\}$/m);
    expect(parsed(machine)).toMatchObject({
      id,
      name: 'TEST_JOB',
      state: 'completed',
      result: { echoed: 'get me' },
      attemptsMade: 1,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    for (const run of [missing, unwatchable]) {
      expect(run).toEqual({
        code: 3,
        stdout: '',
        stderr: 'No job with id "no-such-job"',
      });
    }
  });

  it('list filters by state and name; stats counts per queue', async () => {
    const delayedSms = await harness.client.enqueue.mutate({
      name: 'sms.send',
      data: { to: '+14155550123', message: 'later' },
      options: { delay: 60_000 },
    });
    const enqueued = await conveyor([
      'enqueue',
      'TEST_JOB',
      '{"message":"listed"}',
      '--delay',
      '60000',
      '--json',
    ]);
    const id = String(parsed(enqueued).id);
    const [machine, human, badState, statsJson, statsTable] = await Promise.all(
      [
        conveyor([
          'list',
          '--state',
          'delayed',
          '--name',
          'TEST_JOB',
          '--json',
        ]),
        conveyor(['list', '--state', 'delayed', '--limit', '50']),
        conveyor(['list', '--state', 'sleeping']),
        conveyor(['stats', '--json']),
        conveyor(['stats']),
      ],
    );

    const page = parsed(machine) as {
      items: { id: string; name: string; state: string }[];
    };
    expect(page.items.map((j) => j.id)).toContain(id);
    expect(page.items.map((j) => j.id)).not.toContain(delayedSms.id);
    expect(
      page.items.every((j) => j.state === 'delayed' && j.name === 'TEST_JOB'),
    ).toBe(true);

    expect(human.stdout.split('\n')[0]).toMatch(
      /^ID +NAME +STATE +ATTEMPTS +CREATED$/,
    );
    expect(human.stdout).toMatch(
      new RegExp(`^${id} +TEST_JOB +delayed +0/`, 'm'),
    );
    expect(human.stdout).toMatch(
      new RegExp(`^${delayedSms.id} +sms.send +delayed `, 'm'),
    );
    // Paging: the hint on stderr is the command for the next page.
    const first = await conveyor([
      'list',
      '--state',
      'delayed',
      '--limit',
      '1',
    ]);
    const next =
      /^More: conveyor (list --state delayed --limit 1 --cursor \S+)$/m.exec(
        first.stderr,
      )?.[1];
    expect(next).toBeDefined();
    const second = await conveyor(next?.split(' ') ?? []);
    const rowOf = (run: Run) => run.stdout.split('\n')[1]?.split(' ')[0];
    expect(rowOf(second)).toBeDefined();
    expect(rowOf(second)).not.toBe(rowOf(first));

    expect(badState.code).toBe(2);
    expect(badState.stderr).toMatch(/^Invalid input:\n {2}state: /);

    const counts = parsed(statsJson) as Record<string, { delayed: number }>;
    expect(Object.keys(counts).sort()).toEqual([
      'default',
      'email',
      'feeds',
      'generation',
      'sms',
    ]);
    expect(counts.default?.delayed).toBeGreaterThanOrEqual(1);
    expect(counts.sms?.delayed).toBeGreaterThanOrEqual(1);
    const rows = statsTable.stdout.split('\n');
    expect(rows[0]).toMatch(
      /^QUEUE +WAITING +HELD +DELAYED +ACTIVE +COMPLETED +FAILED +CANCELLED$/,
    );
    expect(
      rows
        .slice(1)
        .map((r) => r.split(/ +/)[0])
        .sort(),
    ).toEqual(['default', 'email', 'feeds', 'generation', 'sms']);
  });

  it('cancel and retry steer jobs; a wrong state exits 4', async () => {
    const delayed = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'cancel via cli' },
      options: { delay: 60_000 },
    });
    expect(await conveyor(['cancel', delayed.id])).toEqual({
      code: 0,
      stdout: `Job ${delayed.id}: cancelled`,
      stderr: '',
    });
    expect((await harness.client.jobs.get.query(delayed)).state).toBe(
      'cancelled',
    );

    const failing = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'always-fail' },
      options: { attempts: 1 },
    });
    expect((await settled(failing.id)).state).toBe('failed');
    const [cancelAgain, retried, watchCancelled] = await Promise.all([
      conveyor(['cancel', delayed.id]),
      conveyor(['retry', failing.id, '--json']),
      conveyor(['watch', delayed.id]),
    ]);
    expect(cancelAgain.code).toBe(4);
    expect(cancelAgain.stderr).not.toMatch(STACK_LINE);
    expect(parsed(retried)).toEqual({ id: failing.id, state: 'waiting' });
    expect(watchCancelled.code).toBe(7);
    expect(watchCancelled.stdout.split('\n').at(-1)).toBe(
      'Cancelled: cancelled by request',
    );

    // The retried job runs again (and fails again): watch reports it with 6.
    const watched = await conveyor(['watch', failing.id]);
    expect(watched.code).toBe(6);
    expect(watched.stdout.split('\n').at(-1)).toBe('Failed: boom on attempt 1');
    expect(runsOf('always-fail')).toBe(2);
  });

  it('watch follows progress line by line and exits 0 when the job completes', async () => {
    const forPeople = await delayedDigest('slow-cli');
    const forScripts = await delayedDigest('slow-json');
    const watching = start(['watch', forPeople.id]);
    const scripted = start(['watch', forScripts.id, '--json']);
    // Promoted only once watched, so not even the first event can be missed.
    await watching.cli.waitForLine((l) => l.text.startsWith('Watching'));
    const promoted = await conveyor(['promote', forPeople.id]);
    expect(promoted.stdout).toBe(`Job ${forPeople.id}: waiting`);
    await harness.client.jobs.promote.mutate(forScripts);

    const human = await watching.done;
    expect(human.code).toBe(0);
    // Not a terminal: one line per event, no carriage returns.
    expect(human.stdout).not.toContain('\r');
    expect(human.stdout.split('\n')).toEqual([
      `Watching email.digest job ${forPeople.id} (delayed)`,
      `[${'#'.repeat(3)}${'-'.repeat(27)}] 10% gathering`,
      `[${'#'.repeat(15)}${'-'.repeat(15)}] 50% sending`,
      `[${'#'.repeat(30)}] 100% done`,
      'Completed: {"messageId":"mail-slow-cli","itemCount":3}',
    ]);

    // One JSON document per event; the last one is the outcome.
    const machine = await scripted.done;
    expect(machine.code).toBe(0);
    const events = machine.stdout
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(events.at(-1)).toEqual({
      jobId: forScripts.id,
      name: 'email.digest',
      type: 'completed',
      result: { messageId: 'mail-slow-json', itemCount: 3 },
    });
    expect(events.slice(0, -1).map((e) => e.type)).toContain('progress');
    expect(new Set(events.slice(0, -1).map((e) => e.type))).toEqual(
      new Set(['progress']),
    );
  });

  it('on a terminal, watch redraws a single progress line', async () => {
    const { id } = await delayedDigest('slow-tty');
    let written = '';
    const terminal = Object.assign(
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          written += chunk.toString();
          done();
        },
      }),
      { isTTY: true },
    );
    const exitCode = runCli(['watch', id], createOutput(terminal, terminal), {
      CONVEYOR_URL: apiUrl,
    });
    await waitFor(() => (written.startsWith('Watching') ? true : undefined));
    await harness.client.jobs.promote.mutate({ id });
    expect(await exitCode).toBe(0);
    const bar = (filled: number) =>
      `[${'#'.repeat(filled)}${'-'.repeat(30 - filled)}]`;
    expect(written).toBe(
      [
        `Watching email.digest job ${id} (delayed)\n`,
        `\r\x1b[K${bar(3)} 10% gathering`,
        `\r\x1b[K${bar(15)} 50% sending`,
        `\r\x1b[K${bar(30)} 100% done`,
        '\nCompleted: {"messageId":"mail-slow-tty","itemCount":3}\n',
      ].join(''),
    );
  });

  it('exits 5 with one clear line when the API cannot be reached', async () => {
    const down = `http://127.0.0.1:${await getFreePort()}/trpc`;
    const [stats, watch, help] = await Promise.all([
      conveyor(['stats'], { CONVEYOR_URL: down }),
      // --url wins over CONVEYOR_URL, which points at the live API here.
      conveyor(['watch', 'some-id', '--url', down]),
      conveyor(['--help']),
    ]);
    for (const run of [stats, watch]) {
      expect(run).toEqual({
        code: 5,
        stdout: '',
        stderr: `Cannot reach the Conveyor API at ${down} (ECONNREFUSED). Is it running? Set --url or CONVEYOR_URL.`,
      });
    }
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('5  API or queue unavailable');
  });
});
