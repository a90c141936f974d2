import { startHarness, type Harness } from '@conveyor/server/test-support';
import { spawnTsProcess } from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const redisUrl = inject('redisUrl');
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const adminToken = randomBytes(32).toString('base64url');

/** The real binary in a child process, with no CONVEYOR_TOKEN but the one given. */
function conveyor(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<{ code: number | string; output: string }> {
  const { CONVEYOR_TOKEN: _ignored, ...base } = process.env;
  const cli = spawnTsProcess(CLI, {
    args,
    env: { ...base, ...env },
    ...(cwd ? { cwd } : {}),
  });
  // stdout and stderr, line by line as they came.
  return cli.exited.then((code) => ({
    code,
    output: cli.lines.map((l) => l.text).join('\n'),
  }));
}

describe('the CLI with API tokens', () => {
  let harness: Harness;
  let url: string;
  let repo: string;

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken });
    url = `${harness.apiUrl}/trpc`;
    repo = mkdtempSync(join(tmpdir(), 'conveyor-cli-'));
  });
  afterAll(async () => {
    rmSync(repo, { recursive: true, force: true });
    await harness.close();
  });

  it('without a token it exits 8 and says how to get one', async () => {
    const run = await conveyor(['stats'], { CONVEYOR_URL: url }, repo);
    expect(run.code).toBe(8);
    expect(run.output).toContain(
      'Missing or invalid credentials: set CONVEYOR_TOKEN',
    );
  });

  it('an admin creates a scoped token that then works, and revokes it', async () => {
    const created = await conveyor(
      [
        'tokens',
        'create',
        'producer',
        '--tenant',
        'acme',
        '--jobs',
        'sms.send',
        '--json',
      ],
      { CONVEYOR_URL: url, CONVEYOR_TOKEN: adminToken },
    );
    expect(created.code).toBe(0);
    const { token, record } = JSON.parse(created.output) as {
      token: string;
      record: { id: string; tenantId: string; jobs: string[] };
    };
    expect(record).toMatchObject({ tenantId: 'acme', jobs: ['sms.send'] });
    const asAcme = { CONVEYOR_URL: url, CONVEYOR_TOKEN: token };
    expect((await conveyor(['stats'], asAcme)).code).toBe(0);
    const denied = await conveyor(
      ['enqueue', 'TEST_JOB', '{"message":"x"}'],
      asAcme,
    );
    expect(denied.code).toBe(8);
    expect(denied.output).toContain('may not enqueue or steer TEST_JOB');
    const listed = await conveyor(['tokens', 'list', '--tenant', 'acme'], {
      CONVEYOR_URL: url,
      CONVEYOR_TOKEN: adminToken,
    });
    expect(listed.output).toContain(record.id);
    // `cvk_<id>_<secret>`: the secret is base64url, which may itself hold `_`.
    const secret = token.slice(`cvk_${record.id}_`.length);
    expect(secret).toHaveLength(43);
    expect(listed.output).not.toContain(secret);
    expect(
      (
        await conveyor(['tokens', 'revoke', record.id], {
          CONVEYOR_URL: url,
          CONVEYOR_TOKEN: adminToken,
        })
      ).code,
    ).toBe(0);
    expect((await conveyor(['stats'], asAcme)).code).toBe(8);
  });

  it('for an API on this machine it finds the token yarn start wrote, from any folder of the repository', async () => {
    mkdirSync(join(repo, '.data'), { recursive: true });
    mkdirSync(join(repo, 'packages', 'client'), { recursive: true });
    writeFileSync(join(repo, '.data', 'admin-token'), `${adminToken}\n`);
    const run = await conveyor(
      ['stats', '--json'],
      { CONVEYOR_URL: url },
      join(repo, 'packages', 'client'),
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.output)).toHaveProperty('default');
  });
});
