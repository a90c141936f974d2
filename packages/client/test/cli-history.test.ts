import {
  createTestDatabase,
  scriptedProcessors,
  startHarness,
  type Harness,
} from '@conveyor/server/test-support';
import { waitFor } from '@conveyor/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './support/run-cli.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');

describe('conveyor history …', () => {
  let harness: Harness;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const conveyor = (args: string[]) => runCli(args, `${harness.apiUrl}/trpc`);

  beforeAll(async () => {
    database = await createTestDatabase(postgresUrl);
    harness = await startHarness(redisUrl, {
      processors: scriptedProcessors(),
      history: { databaseUrl: database.url },
    });
  });
  afterAll(async () => {
    await harness.close();
    await database.drop();
  });

  it('lists (--json, filters), shows a job with its attempts, and counts', async () => {
    const job = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'fail:1' },
      options: {
        backoff: { type: 'fixed', delay: 10 },
        idempotencyKey: 'cli-key',
      },
    });
    await waitFor(
      async () =>
        (
          await harness.client.history.get
            .query({ id: job.id })
            .catch(() => null)
        )?.job.state === 'completed',
      15_000,
      'the job completed in history',
    );

    const listed = await conveyor([
      'history',
      'list',
      '--state',
      'completed',
      '--idempotency-key',
      'cli-key',
      '--from',
      '2020-01-01',
      '--json',
    ]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.output)).toMatchObject({
      items: [
        {
          id: job.id,
          state: 'completed',
          data: { message: 'fail:1' },
          idempotencyKey: 'cli-key',
        },
      ],
      nextCursor: null,
    });
    const byText = await conveyor(['history', 'list', '--text', 'planned']);
    expect(byText.code).toBe(0);
    expect(byText.output).toContain(job.id);
    expect(byText.output).toContain('planned failure 1');

    const shown = await conveyor(['history', 'get', job.id]);
    expect(shown.code).toBe(0);
    expect(shown.output).toMatch(/0\s+1\s+retrying\s.*planned failure 1/);
    expect(shown.output).toMatch(/0\s+2\s+completed\s/);
    const asJson = await conveyor(['history', 'get', job.id, '--json']);
    expect(JSON.parse(asJson.output)).toMatchObject({
      job: { id: job.id, attempts: 2 },
      attempts: [{ outcome: 'retrying' }, { outcome: 'completed' }],
    });

    const stats = await conveyor(['history', 'stats', '--json']);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.output)).toMatchObject([
      { name: 'TEST_JOB', total: 1, counts: { completed: 1 } },
    ]);

    expect((await conveyor(['history', 'get', 'no-such-job'])).code).toBe(3);
    expect(
      (await conveyor(['history', 'list', '--from', 'yesterday'])).code,
    ).toBe(2);
  }, 60_000);
});
