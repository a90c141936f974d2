import {
  scriptedProcessors,
  startHarness,
  type Harness,
} from '@conveyor/server/test-support';
import { spawnTsProcess, waitFor } from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const adminToken = randomBytes(32).toString('base64url');

/** `conveyor retry --all`: a preview first, the retry only with --yes, the caller's tenant only. */
describe('the CLI retries every failed job', () => {
  let harness: Harness;
  const seen: { name: string; payload: unknown }[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    harness = await startHarness(inject('redisUrl'), {
      adminToken,
      processors: scriptedProcessors(seen),
    });
    for (const tenantId of ['acme', 'globex'])
      tokens[tenantId] = (
        await harness.client.tokens.create.mutate({
          tenantId,
          role: 'producer',
        })
      ).token;
  }, 120_000);
  afterAll(() => harness?.close());

  function conveyor(args: string[], tenant: string) {
    const { CONVEYOR_TOKEN: _ignored, ...base } = process.env;
    const cli = spawnTsProcess(CLI, {
      args,
      env: {
        ...base,
        CONVEYOR_URL: `${harness.apiUrl}/trpc`,
        CONVEYOR_TOKEN: tokens[tenant],
      },
    });
    return cli.exited.then((code) => ({
      code,
      output: cli.lines.map((l) => l.text).join('\n'),
    }));
  }
  const runs = (message: string) =>
    seen.filter((s) => (s.payload as { message: string }).message === message)
      .length;
  async function failed(tenant: string, message: string) {
    const client = harness.clientWith(tokens[tenant] ?? '');
    const { id } = await client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message },
      options: { attempts: 1 },
    });
    await waitFor(async () =>
      (await client.jobs.get.query({ id })).state === 'failed' ? id : undefined,
    );
  }

  it('prints how many it would retry, retries nothing without --yes, then retries them with it', async () => {
    await failed('acme', 'always-fail:cli-1');
    await failed('acme', 'always-fail:cli-2');
    await failed('globex', 'always-fail:cli-3');
    const args = ['retry', '--all', '--state', 'failed', '--name', 'TEST_JOB'];

    const preview = await conveyor(args, 'acme');
    expect(preview.code).toBe(0);
    expect(preview.output).toContain('2 failed job(s) would be retried');
    expect(preview.output).toContain('--yes');
    expect(runs('always-fail:cli-1')).toBe(1);

    const done = await conveyor([...args, '--yes'], 'acme');
    expect(done.code).toBe(0);
    expect(done.output).toContain('Retried 2 of 2');
    await waitFor(() =>
      runs('always-fail:cli-1') === 2 && runs('always-fail:cli-2') === 2
        ? true
        : undefined,
    );
    expect(runs('always-fail:cli-3')).toBe(1);
  });

  it('refuses --all without --state failed, and --yes without --all, changing nothing', async () => {
    const noState = await conveyor(['retry', '--all', '--yes'], 'acme');
    expect(noState.code).toBe(2);
    expect(noState.output).toContain('--state failed');
    const noAll = await conveyor(['retry', 'some-id', '--yes'], 'acme');
    expect(noAll.code).toBe(2);
    expect(noAll.output).toContain('go with --all');
    const missing = await conveyor(['retry'], 'acme');
    expect(missing.code).toBe(2);
  });
});
