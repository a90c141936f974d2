import {
  scriptedProcessors,
  startHarness,
  type Harness,
} from '@conveyor/server/test-support';
import { createTestDatabase, waitFor } from '@conveyor/testkit';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './support/run-cli.ts';

const adminToken = randomBytes(32).toString('base64url');

/** `conveyor history search` and `conveyor bulk …` against a real API with history. */
describe('the CLI searches history and acts in bulk', () => {
  let harness: Harness;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase(inject('postgresUrl'));
    harness = await startHarness(inject('redisUrl'), {
      adminToken,
      processors: scriptedProcessors(),
      history: { databaseUrl: database.url },
    });
    for (const tenantId of ['acme', 'globex'])
      tokens[tenantId] = (
        await harness.client.tokens.create.mutate({
          tenantId,
          role: 'producer',
        })
      ).token;
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await database?.drop();
  });

  const conveyor = (args: string[], tenant: string) =>
    runCli(args, `${harness.apiUrl}/trpc`, { CONVEYOR_TOKEN: tokens[tenant] });

  /** `n` failed TEST_JOBs of this tenant's carrying `message`, once history has them. */
  async function failed(tenant: string, message: string, n: number) {
    const client = harness.clientWith(tokens[tenant] ?? '');
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1)
      ids.push(
        (
          await client.enqueue.mutate({
            name: 'TEST_JOB',
            data: { message },
            options: { attempts: 1 },
          })
        ).id,
      );
    await waitFor(
      async () => {
        const page = await client.history.search.query({
          name: 'TEST_JOB',
          where: { 'data.message': { eq: message } },
          state: 'failed',
        });
        return page.items.length === n ? true : undefined;
      },
      30_000,
      `${n} failed "${message}" in history`,
    );
    return { client, ids };
  }

  it('searches by payload field, time and state, printing a table', async () => {
    const message = `always-fail:${randomUUID()}`;
    const { ids } = await failed('acme', message, 2);
    const args = ['history', 'search', 'TEST_JOB'];
    const where = ['--where', `data.message=${message}`];
    const found = await conveyor(
      [...args, ...where, '--since', '1h', '--state', 'failed'],
      'acme',
    );
    expect(found.code).toBe(0);
    for (const id of ids) expect(found.output).toContain(id);
    expect(found.output).toContain('boom on attempt 1');
    const json = await conveyor([...args, ...where, '--json'], 'acme');
    expect(JSON.parse(json.output)).toMatchObject({ items: [{}, {}] });
    const elsewhere = await conveyor([...args, ...where, '--json'], 'globex');
    expect(JSON.parse(elsewhere.output)).toMatchObject({ items: [] });

    const unknown = await conveyor([...args, '--where', 'data.nope=1'], 'acme');
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('"data.nope" is not a searchable field');
    const noJob = await conveyor(['history', 'search', ...where], 'acme');
    expect(noJob.code).toBe(2);
    const since = await conveyor([...args, '--since', 'soon'], 'acme');
    expect(since.code).toBe(2);
  });

  it('previews, refuses to act without --yes off a terminal, then retries with --yes and reports', async () => {
    const message = `always-fail:${randomUUID()}`;
    const { client, ids } = await failed('acme', message, 2);
    const args = [
      'bulk',
      'retry',
      'TEST_JOB',
      '--where',
      `data.message=${message}`,
    ];

    const refused = await conveyor(args, 'acme');
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('This will retry 2 job(s)');
    expect(refused.output).toContain('Pass --yes');
    // Nothing was started (not merely not run yet).
    expect((await client.bulk.list.query({ limit: 100 })).items).toEqual([]);
    for (const id of ids)
      expect((await client.history.get.query({ id })).job.attempts).toBe(1);

    const done = await conveyor([...args, '--yes'], 'acme');
    expect(done.code).toBe(0);
    expect(done.output).toContain('Retry: 2 done, 0 skipped, 0 failed of 2');
    for (const id of ids)
      await waitFor(
        async () =>
          (await client.history.get.query({ id })).job.attempts === 2
            ? true
            : undefined,
        30_000,
        `job ${id} retried`,
      );
    const other = await conveyor([...args, '--yes'], 'globex');
    expect(other.code).toBe(0);
    expect(other.output).toContain('This will retry 0 job(s)');
  });
});
