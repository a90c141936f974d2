// Child process for the memory scenario: a Conveyor worker pool that reports
// its RSS every `REPORT_EVERY` processed jobs, so nothing else shares its heap.
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createRedisClient,
  createWorkerPool,
} from '@conveyor/queue';
import { quietLogger } from './context.ts';

const REPORT_EVERY = 10_000;
const redis = createRedisClient(process.env.REDIS_URL ?? '', {
  preset: 'worker',
});
let done = 0;
const pool = createWorkerPool({
  registry,
  redis,
  keys: createKeyspace(process.env.CONVEYOR_PREFIX),
  logger: quietLogger(),
  concurrency: 100,
  queues: ['default'],
  // Only TEST_JOB runs here; it logs a line per job, as an app's would.
  processors: {
    TEST_JOB: (payload, { logger }) => {
      logger.info(`TEST_JOB processed with data: ${JSON.stringify(payload)}`);
      done += 1;
      if (done % REPORT_EVERY === 0)
        console.log(JSON.stringify({ done, rss: process.memoryUsage().rss }));
      return Promise.resolve({ echoed: payload.message });
    },
    'sms.send': () => Promise.resolve({ providerMessageId: 'x' }),
    'email.digest': () => Promise.resolve({ messageId: 'x', itemCount: 0 }),
    'feed.sync': () =>
      Promise.resolve({ feeds: 0, items: 0, added: 0, newest: null }),
    'content.generate': () => Promise.reject(new Error('not benchmarked')),
  },
});
await pool.ready();
console.log(JSON.stringify({ ready: true, rss: process.memoryUsage().rss }));
process.on('SIGTERM', () => {
  void pool.close().then(() => process.exit(0));
});
