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

describe('conveyor history show / failures', () => {
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
    await harness?.close();
    await database?.drop();
  });

  it("prints a run's story as a timeline (and --json), and the failure reasons", async () => {
    const job = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'fail:1' },
      options: { attempts: 2, backoff: { type: 'fixed', delay: 50 } },
    });
    await waitFor(
      async () =>
        (
          await harness.client.history.story
            .query({ id: job.id })
            .catch(() => null)
        )?.timeline.at(-1)?.type === 'end',
      20_000,
      'the story ended in history',
    );

    const shown = await conveyor(['history', 'show', job.id]);
    expect(shown.code).toBe(0);
    const lines = shown.output.split('\n');
    const index = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const order = [
      /enqueued by local via api/,
      /wait queued \d+ms.*\[derived\]/,
      /attempt 1 \(run 0\) on .+: retrying after \d+ms: planned failure 1/,
      /scripted-processors/,
      /wait backoff \d+ms.*\[derived\]/,
      /attempt 2 \(run 0\) on .+: completed after/,
      /completed → {"echoed":"fail:1"}/,
      /payload stored \(v1\): {"message":"fail:1"}/,
      /payload received: {"message":"fail:1"}/,
    ].map(index);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));

    const asJson = await conveyor(['history', 'show', job.id, '--json']);
    expect(asJson.code).toBe(0);
    expect(JSON.parse(asJson.output)).toMatchObject({
      id: job.id,
      enqueued: { by: 'local', via: 'api' },
      timeline: expect.arrayContaining([
        expect.objectContaining({ type: 'attempt', outcome: 'retrying' }),
      ]),
    });

    const failures = await conveyor(['history', 'failures', '--json']);
    expect(failures.code).toBe(0);
    expect(JSON.parse(failures.output)).toMatchObject([
      { name: 'TEST_JOB', reason: 'planned failure 1', jobs: 0, attempts: 1 },
    ]);
    const table = await conveyor(['history', 'failures']);
    expect(table.output).toMatch(/TEST_JOB\s+0\s+1\s+\S+\s+planned failure 1/);

    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await conveyor(['history', 'show', missing])).code).toBe(3);
    expect(
      (await conveyor(['history', 'failures', '--from', 'yesterday'])).code,
    ).toBe(2);
  }, 60_000);
});
