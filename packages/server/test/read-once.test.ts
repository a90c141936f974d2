import { fixtureRegistry } from '@conveyor/fixtures';
import { createTestDatabase, isClusterUrl, waitFor } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';
import type { FixtureClient } from './support/fixture-router.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');
const adminToken = randomBytes(32).toString('base64url');

/**
 * Every command Redis runs for a client (not inside a script), as MONITOR
 * reports it. `JobReader.find` reads each queue of the registry with one
 * MULTI whose LPOS looks for the job in the active list: so the LPOS
 * commands naming a job count how often it was read.
 */
class CommandLog {
  private readonly seen: string[][] = [];
  private monitor: Redis | undefined;

  async start() {
    this.monitor = await new Redis(redisUrl).monitor();
    this.monitor.on('monitor', (_time, args: string[], source: string) => {
      if (source !== 'lua') this.seen.push(args);
    });
  }

  /**
   * The commands `work` caused: between two markers MONITOR sees in
   * order, so nothing sent before or after is counted.
   */
  async during(work: () => Promise<unknown>): Promise<string[][]> {
    const marker = randomUUID();
    const echo = new Redis(redisUrl);
    try {
      await echo.echo(`start ${marker}`);
      await work();
      await echo.echo(`end ${marker}`);
      const at = (text: string) =>
        this.seen.findIndex((args) => args[1] === text);
      await waitFor(
        () => at(`end ${marker}`) >= 0 || undefined,
        5_000,
        'MONITOR to report the end marker',
      );
      return this.seen.slice(at(`start ${marker}`) + 1, at(`end ${marker}`));
    } finally {
      echo.disconnect();
    }
  }

  stop() {
    this.monitor?.disconnect();
  }
}

const readsOf = (id: string, commands: string[][]) =>
  commands.filter(
    ([command, , element]) =>
      command?.toLowerCase() === 'lpos' && element === id,
  ).length;

/** One read is one LPOS per queue (find looks in every queue at once). */
const ONE_READ = fixtureRegistry.queues.length;

/**
 * With history on, the cancel, retry or redrive is also recorded: from the
 * same read, not a read of its own.
 */
describe
  .skipIf(isClusterUrl(redisUrl))
  .each([{ history: false }, { history: true }])(
  'steering a job reads it once (issue item 3), history $history',
  ({ history }) => {
    let harness: Harness;
    let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    /** Scoped to TEST_JOB: the scope check needs the job's name, from the same read. */
    let scoped: FixtureClient;
    const log = new CommandLog();

    beforeAll(async () => {
      database = history ? await createTestDatabase(postgresUrl) : undefined;
      harness = await startHarness(redisUrl, {
        adminToken,
        processors: scriptedProcessors(),
        ...(database ? { history: { databaseUrl: database.url } } : {}),
      });
      const { token } = await harness.client.tokens.create.mutate({
        role: 'producer',
        jobs: ['TEST_JOB'],
      });
      scoped = harness.clientWith(token);
      await log.start();
    });
    afterAll(async () => {
      log.stop();
      await harness.close();
      await database?.drop();
    });

    const deadLetter = async () => {
      const { id } = await scoped.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'always-fail' },
        options: { attempts: 1 },
      });
      await waitFor(
        async () =>
          (await scoped.jobs.get.query({ id })).state === 'failed' || undefined,
        10_000,
        `job ${id} to fail`,
      );
      return id;
    };

    it('cancel, then retry of the cancelled job: one read each', async () => {
      const { id } = await scoped.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'later' },
        options: { delay: 60_000 },
      });
      const cancel = await log.during(() => scoped.jobs.cancel.mutate({ id }));
      expect(readsOf(id, cancel)).toBe(ONE_READ);
      const retry = await log.during(() => scoped.jobs.retry.mutate({ id }));
      expect(readsOf(id, retry)).toBe(ONE_READ);
    });

    it('promote: one read', async () => {
      const { id } = await scoped.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'later' },
        options: { delay: 60_000 },
      });
      const promote = await log.during(() =>
        scoped.jobs.promote.mutate({ id }),
      );
      expect(readsOf(id, promote)).toBe(ONE_READ);
    });

    it('retry and redrive of a failed job: one read each', async () => {
      const retried = await deadLetter();
      const retry = await log.during(() =>
        scoped.jobs.retry.mutate({ id: retried }),
      );
      expect(readsOf(retried, retry)).toBe(ONE_READ);
      const redriven = await deadLetter();
      const redrive = await log.during(() =>
        scoped.deadLetters.redrive.mutate({ id: redriven }),
      );
      expect(readsOf(redriven, redrive)).toBe(ONE_READ);
    });
  },
);
