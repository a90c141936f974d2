import { startHarness, type Harness } from '@conveyor/server/test-support';
import { spawnTsProcess } from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const redisUrl = inject('redisUrl');
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
}

/** The real binary, with no URL, port or token from the outer environment. */
async function conveyor(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Run> {
  const {
    CONVEYOR_URL: _url,
    CONVEYOR_TOKEN: _token,
    API_PORT: _port,
    ...base
  } = process.env;
  const cli = spawnTsProcess(CLI, { args, env: { ...base, ...env } });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  cli.child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  cli.child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await new Promise<number | string>((resolve) =>
    cli.child.once('close', (exit, signal) => resolve(exit ?? signal ?? '')),
  );
  return {
    code,
    stdout: Buffer.concat(out).toString().trimEnd(),
    stderr: Buffer.concat(err).toString().trimEnd(),
  };
}

describe('CLI help and usage errors', () => {
  it('prints one command’s help, asked either way', async () => {
    const [flag, word, pair, group, general] = await Promise.all([
      conveyor(['enqueue', '--help']),
      conveyor(['help', 'enqueue']),
      conveyor(['help', 'tokens', 'create']),
      conveyor(['tokens', '--help']),
      conveyor(['--help']),
    ]);
    for (const run of [flag, word, pair, group, general])
      expect([run.code, run.stderr]).toEqual([0, '']);
    expect(flag.stdout).toBe(word.stdout);
    expect(flag.stdout.split('\n').slice(0, 4)).toEqual([
      'Usage: conveyor enqueue <name> <json> [--delay …] [--priority …] [--idempotency-key …]',
      '',
      `Enqueue a job, e.g. enqueue TEST_JOB '{"message":"hi"}'.`,
      '--delay MS, --priority N (1 runs first), --idempotency-key KEY',
    ]);
    expect(flag.stdout).not.toContain('Exit codes:');
    expect(pair.stdout).toMatch(
      /^Usage: conveyor tokens create <role> \[--tenant …\]/,
    );
    expect(group.stdout).toContain('tokens revoke <id>');
    expect(group.stdout).not.toContain('enqueue');
    // The general help lists every command, and the exit codes.
    expect(general.stdout).toMatch(
      /^ {2}enqueue <name> <json> {2}Enqueue a job/m,
    );
    expect(general.stdout).toMatch(
      /^ {2}schedules run <name> {3}One extra run/m,
    );
    expect(general.stdout).toContain('9  the tenant');
  });

  it('suggests the option or command that was meant, exit 2', async () => {
    const runs = await Promise.all([
      conveyor(['enqueue', 'TEST_JOB', '{}', '--dely', '5']),
      conveyor(['enqeue', 'TEST_JOB', '{}']),
      conveyor(['tokens', 'creat', 'viewer']),
      conveyor(['help', 'stast']),
      conveyor(['tokens']),
      conveyor(['list', '--frobnicate']),
      conveyor(['STATS']),
      conveyor(['Tokens', 'LIST']),
    ]);
    for (const run of runs) expect([run.code, run.stdout]).toEqual([2, '']);
    const first = runs.map((run) => run.stderr.split('\n')[0]);
    expect(first).toEqual([
      'Unknown option --dely. Did you mean --delay?',
      'Unknown command "enqeue". Did you mean "enqueue"?',
      'Unknown command "tokens creat". Did you mean "tokens create"?',
      'Unknown command "stast". Did you mean "stats"?',
      '"tokens" needs a command: tokens create, tokens list, tokens revoke.',
      'Unknown option --frobnicate.',
      'Unknown command "STATS". Did you mean "stats"?',
      'Unknown command "Tokens". Did you mean "tokens"?',
    ]);
  });

  it('refuses a URL without the /trpc path, naming the fix', async () => {
    const [flag, env, port] = await Promise.all([
      conveyor(['stats', '--url', 'http://127.0.0.1:3999']),
      conveyor(['stats'], { CONVEYOR_URL: 'http://localhost:3999/' }),
      conveyor(['stats'], { API_PORT: 'eighty' }),
    ]);
    expect([flag.code, env.code, port.code]).toEqual([2, 2, 2]);
    expect(flag.stderr).toContain(
      '"http://127.0.0.1:3999" (from --url) has no path: the API answers at /trpc. Use http://127.0.0.1:3999/trpc.',
    );
    expect(env.stderr).toContain(
      '(from CONVEYOR_URL) has no path: the API answers at /trpc. Use http://localhost:3999/trpc.',
    );
    expect(port.stderr).toContain('API_PORT is "eighty", not a port number.');
  });
});

describe('the CLI against an API on API_PORT', () => {
  let harness: Harness;
  let port: string;

  beforeAll(async () => {
    harness = await startHarness(redisUrl);
    port = new URL(harness.apiUrl).port;
  });
  afterAll(() => harness.close());

  it('finds the API on API_PORT, and stats counts cancelled apart from failed', async () => {
    const { id } = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'cancel me' },
      options: { delay: 60_000 },
    });
    await harness.client.jobs.cancel.mutate({ id });
    const [table, json] = await Promise.all([
      conveyor(['stats'], { API_PORT: port }),
      conveyor(['stats', '--json'], { API_PORT: port }),
    ]);
    expect([table.code, table.stderr]).toEqual([0, '']);
    const [header, ...rows] = table.stdout.split('\n');
    expect(header?.split(/\s+/)).toEqual([
      'QUEUE',
      'WAITING',
      'HELD',
      'DELAYED',
      'ACTIVE',
      'COMPLETED',
      'FAILED',
      'CANCELLED',
    ]);
    expect(
      rows.find((row) => row.startsWith('default '))?.split(/\s+/),
    ).toEqual(['default', '0', '0', '0', '0', '0', '0', '1']);
    expect(json.code).toBe(0);
    expect(
      (JSON.parse(json.stdout) as Record<string, unknown>).default,
    ).toEqual({
      waiting: 0,
      delayed: 0,
      active: 0,
      completed: 0,
      failed: 0,
      cancelled: 1,
      held: 0,
    });
  });
});
