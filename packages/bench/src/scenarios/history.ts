import {
  HistoryOutbox,
  historyObserver,
  openHistoryDatabase,
  startHistoryDrainer,
  type HistoryDatabaseHandle,
} from '@conveyor/history';
import { createKeyspace } from '@conveyor/queue';
import { startPostgres } from '@conveyor/testkit';
import { newRedis, type BenchContext, type Sample } from '../context.ts';
import type { Scenario } from '../scenario.ts';
import { drain, type PoolSetup } from './worker.ts';

const CONCURRENCY = 100;

/**
 * 9. What job history costs the worker: the Conveyor pool without history
 * (the table's "raw" column) against the same pool writing each attempt's
 * start and outcome to the outbox while a drainer writes them to a real
 * PostgreSQL on this machine (the "Conveyor" column). Also the write lag:
 * from a transition's time to its row, p99, over the "on" runs.
 */
export const historyScenario: Scenario = {
  id: 9,
  title:
    'worker history: Conveyor pool, history off (raw column) vs on with a local PostgreSQL (Conveyor column), c=100',
  goals: [
    {
      metric: `jobs/s c=${CONCURRENCY}`,
      ratio: 0.9,
      direction: 'at-least',
      label: 'worker with history ≥ 0.9× without, at concurrency 100',
    },
  ],
  limits: [
    {
      metric: 'history write lag p99 ms',
      max: 1_000,
      label: 'history write lag p99 ≤ 1 s',
    },
  ],
  async run(ctx, order) {
    const count = ctx.quick ? 500 : 30_000;
    const run = { side: 'conveyor', concurrency: CONCURRENCY, count } as const;
    const postgres = await startPostgres();
    const database = await openHistoryDatabase({
      connectionString: postgres.url,
      logger: ctx.logger,
    });
    try {
      const samples: Sample[] = [];
      for (const side of order) {
        if (side === 'raw') {
          samples.push({
            metric: `jobs/s c=${CONCURRENCY}`,
            side,
            value: await drain(ctx, { ...run, profileAs: side }),
          });
          continue;
        }
        const lag = { p99: 0 };
        samples.push({
          metric: `jobs/s c=${CONCURRENCY}`,
          side,
          value: await drain(
            ctx,
            { ...run, profileAs: side },
            withHistory(ctx, database, lag),
          ),
        });
        samples.push({
          metric: 'history write lag p99 ms',
          side,
          value: lag.p99,
        });
      }
      return samples;
    } finally {
      await database.close();
      await postgres.dispose();
    }
  },
};

/** Hooks into the outbox, a drainer beside the pool; after the drain, waits for the outbox to empty. */
function withHistory(
  ctx: BenchContext,
  database: HistoryDatabaseHandle,
  lag: { p99: number },
): PoolSetup {
  return (prefix) => {
    const keys = createKeyspace(prefix);
    const redis = newRedis(ctx);
    const drainer = startHistoryDrainer({
      redis,
      keys,
      db: database.db,
      logger: ctx.logger,
    });
    const outbox = new HistoryOutbox(redis, keys);
    return Promise.resolve({
      extras: { observers: [historyObserver(outbox)] },
      async drained() {
        const deadline = Date.now() + 60_000;
        while ((await drainer.lagMs()) > 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        lag.p99 = drainer.stats().writeLagMs.p99;
        await drainer.close();
        redis.disconnect();
      },
    });
  };
}
