import { createKeyspace, createRedisClient } from '@conveyor/queue';
import {
  deletePrefix,
  startPostgres,
  startRedisServer,
  uniquePrefix,
  waitFor,
  type PostgresServerHandle,
} from '@conveyor/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  HISTORY_GROUP,
  HistoryOutbox,
  HistoryStore,
  openHistoryDatabase,
  startHistoryDrainer,
  transitionId,
  type HistoryDatabaseHandle,
  type Transition,
  type TransitionType,
} from '../src/index.ts';
import { captureLogger } from './support/test-database.ts';

const redisUrl = inject('redisUrl');

function story(tenantId: string, jobId: string, at: number): Transition[] {
  const t = (
    type: TransitionType,
    attempt: number,
    dt: number,
    extra: Partial<Transition> = {},
  ) => ({
    id: transitionId(jobId, 0, attempt, type),
    jobId,
    tenantId,
    name: 'email.digest',
    queue: 'email',
    run: 0,
    attempt,
    type,
    at: at + dt,
    ...extra,
  });
  return [
    t('enqueued', 0, 0, { payload: { json: { n: jobId } } }),
    t('started', 1, 5, { worker: 'w1' }),
    t('retrying', 1, 10, { error: 'flaky', durationMs: 5 }),
    t('completed', 2, 30, { result: { ok: true }, durationMs: 10 }),
  ];
}

async function count(
  handle: HistoryDatabaseHandle,
  query: ReturnType<typeof sql<{ n: number }>>,
) {
  const { rows } = await query.execute(handle.db);
  return rows[0]?.n;
}

describe('the history outbox and its drainer', () => {
  // Its own PostgreSQL: this suite stops and starts it.
  let postgres: PostgresServerHandle;
  let history: HistoryDatabaseHandle;
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  const keys = createKeyspace(uniquePrefix('history'));

  beforeAll(async () => {
    postgres = await startPostgres();
    history = await openHistoryDatabase({
      connectionString: postgres.url,
      logger: captureLogger(),
    });
  });
  afterAll(async () => {
    await history?.close();
    await postgres?.dispose();
    await deletePrefix(redisUrl, keys.prefix);
    redis.disconnect();
  });

  it('keeps a burst in Redis while PostgreSQL is down, then writes every transition exactly once', async () => {
    const logger = captureLogger();
    const drainer = startHistoryDrainer({
      redis,
      keys,
      db: history.db,
      logger,
      batchSize: 300,
      blockMs: 200,
      maxBackoffMs: 300,
    });
    const outbox = new HistoryOutbox(redis, keys);
    try {
      await postgres.stop();
      const at = Date.now();
      const jobs = Array.from({ length: 500 }, (_, i) =>
        story('burst', `job-${i}`, at + i),
      );
      const all = jobs.flat();
      // Appends of one turn share a pipeline; several turns, and 100 replays.
      await Promise.all(all.map((t) => outbox.append(t)));
      await outbox.append(all.slice(0, 100));
      expect(all).toHaveLength(2_000);
      await waitFor(
        () => (drainer.stats().outage ? true : undefined),
        10_000,
        'the drainer to meet the outage',
      );
      expect(await redis.xlen(keys.historyStream())).toBeGreaterThanOrEqual(
        2_000,
      );
      expect(await drainer.lagMs()).toBeGreaterThanOrEqual(0);

      await postgres.restart();
      await waitFor(
        async () =>
          (await redis.xlen(keys.historyStream())) === 0 ? true : undefined,
        20_000,
        'the outbox to drain',
      );
      expect(await drainer.lagMs()).toBe(0);
      await waitFor(
        () => (drainer.stats().written === 2_000 ? true : undefined),
        5_000,
        'all written',
      );

      expect(
        await count(
          history,
          sql`select count(*)::int as n from history_jobs where tenant = 'burst'`,
        ),
      ).toBe(500);
      expect(
        await count(
          history,
          sql`select count(*)::int as n from history_attempts where tenant = 'burst'`,
        ),
      ).toBe(1_000);
      expect(
        await count(
          history,
          sql`select count(*)::int as n from history_jobs
          where tenant = 'burst' and state = 'completed' and attempts = 2 and last_error = 'flaky'`,
        ),
      ).toBe(500);
      const one = await new HistoryStore(history.db).get('job-7', 'burst');
      expect(one?.job).toMatchObject({
        state: 'completed',
        result: { ok: true },
        data: { n: 'job-7' },
      });

      const outageLines = logger.lines.filter(
        (l) => l.level !== 'info' || /history store/.test(l.msg),
      );
      expect(outageLines.length).toBeGreaterThanOrEqual(1);
      expect(outageLines.length).toBeLessThanOrEqual(2);
      const stats = drainer.stats();
      expect(stats.outage).toBe(false);
      // One sample per outbox entry drained, replays included.
      expect(stats.writeLagMs.samples).toBe(2_100);
    } finally {
      await drainer.close();
    }
  });

  it('drops (and logs) a transition PostgreSQL refuses for its data, and writes the rest', async () => {
    const logger = captureLogger();
    const drainer = startHistoryDrainer({
      redis,
      keys,
      db: history.db,
      logger,
      blockMs: 100,
    });
    const outbox = new HistoryOutbox(redis, keys);
    try {
      const good = story('poison', 'good', Date.now());
      // A run past PostgreSQL's integer: SQLSTATE 22003, whatever the retry.
      const bad = { ...story('poison', 'bad', Date.now())[2]!, run: 2 ** 40 };
      await outbox.append([good[0]!, bad, ...good.slice(1)]);
      await waitFor(
        async () =>
          (await redis.xlen(keys.historyStream())) === 0 ? true : undefined,
        10_000,
        'the outbox to drain past the bad entry',
      );
      const found = await new HistoryStore(history.db).get('good', 'poison');
      expect(found?.job.state).toBe('completed');
      expect(
        await new HistoryStore(history.db).get('bad', 'poison'),
      ).toBeNull();
      expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    } finally {
      await drainer.close();
    }
  });

  it('writes a transition with a huge error (truncated), and the ones after it', async () => {
    const logger = captureLogger();
    const drainer = startHistoryDrainer({
      redis,
      keys,
      db: history.db,
      logger,
      blockMs: 100,
    });
    const outbox = new HistoryOutbox(redis, keys);
    try {
      // 3 MB of distinct words: its tsvector would pass PostgreSQL's 1 MB (54000).
      const words = Array.from(
        { length: 300_000 },
        (_, i) => `w${i.toString(36)}x${(i * 7919).toString(36)}`,
      );
      const error = words.join(' ').slice(0, 3_000_000);
      expect(error.length).toBe(3_000_000);
      const first = story('huge', 'huge-error', Date.now());
      const after = story('huge', 'after', Date.now());
      await outbox.append([
        first[0]!,
        { ...first[2]!, type: 'failed', id: `${first[2]!.id}-final`, error },
        ...after,
      ]);
      await waitFor(
        async () =>
          (await redis.xlen(keys.historyStream())) === 0 ? true : undefined,
        15_000,
        'the outbox to drain past the huge error',
      );
      const store = new HistoryStore(history.db);
      const huge = await store.get('huge-error', 'huge');
      expect(huge?.job.state).toBe('failed');
      expect(huge?.job.lastError?.length).toBeLessThan(10_000);
      expect(huge?.job.lastError).toMatch(/^w0x0 w1x/);
      expect(huge?.job.lastError).toMatch(
        /\[truncated: \d+ more characters\]$/,
      );
      expect((await store.get('after', 'huge'))?.job.state).toBe('completed');
      expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(0);
    } finally {
      await drainer.close();
    }
  });

  it('closes within seconds when its Redis is gone', async () => {
    const own = await startRedisServer();
    const ownRedis = createRedisClient(own.url, { preset: 'worker' });
    ownRedis.on('error', () => undefined);
    const logger = captureLogger();
    const drainer = startHistoryDrainer({
      redis: ownRedis,
      keys,
      db: history.db,
      logger,
      blockMs: 200,
    });
    try {
      await new HistoryOutbox(ownRedis, keys).append(
        story('gone', 'before', Date.now()),
      );
      await waitFor(
        () => (drainer.stats().written === 4 ? true : undefined),
        10_000,
        'the drainer to be running',
      );
      await own.kill();
      // Past the blocking read: the reader now waits on a reconnect.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await drainer.close();
      // The loop stopped, it was not given up on (that would warn).
      expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(0);
    } finally {
      ownRedis.disconnect();
      await own.kill();
    }
  });

  it('takes over entries a dead consumer left pending', async () => {
    const outbox = new HistoryOutbox(redis, keys);
    await outbox.append(story('claimed', 'orphan', Date.now()));
    const stream = keys.historyStream();
    await redis
      .xgroup('CREATE', stream, HISTORY_GROUP, '0', 'MKSTREAM')
      .catch(() => undefined);
    // A process read them, then died before writing: pending under its name.
    const read = (await redis.xreadgroup(
      'GROUP',
      HISTORY_GROUP,
      'dead-process',
      'COUNT',
      100,
      'STREAMS',
      stream,
      '>',
    )) as [string, unknown[]][] | null;
    expect(read?.[0]?.[1]).toHaveLength(4);

    const drainer = startHistoryDrainer({
      redis,
      keys,
      db: history.db,
      logger: captureLogger(),
      blockMs: 100,
      claimIdleMs: 300,
    });
    try {
      await waitFor(
        async () => ((await redis.xlen(stream)) === 0 ? true : undefined),
        10_000,
        'the orphaned entries to be claimed and written',
      );
      const found = await new HistoryStore(history.db).get('orphan', 'claimed');
      expect(found?.job.state).toBe('completed');
      const [pendingCount] = (await redis.xpending(stream, HISTORY_GROUP)) as [
        number,
      ];
      expect(pendingCount).toBe(0);
    } finally {
      await drainer.close();
    }
  });
});
