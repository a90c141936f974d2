// Child process for the memory scenario: a Conveyor worker pool that reports
// its RSS every `REPORT_EVERY` processed jobs, so nothing else shares its heap.
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createRedisClient,
  createWorkerPool,
} from '@conveyor/queue';
import { createProcessors } from '@conveyor/worker/processors';
import { quietLogger } from './context.ts';

const REPORT_EVERY = 10_000;
const redis = createRedisClient(process.env.REDIS_URL ?? '', {
  preset: 'worker',
});
const processors = createProcessors({
  sms: { send: () => Promise.resolve({ messageId: 'x' }) },
  email: { sendToUser: () => Promise.resolve({ messageId: 'x' }) },
  activity: { list: () => Promise.resolve([]) },
  feeds: { configured: () => Promise.resolve([]) },
  feedStore: {
    save: () => Promise.resolve({ added: 0 }),
    recent: () => Promise.resolve([]),
  },
  generator: {
    section: () => Promise.resolve({ heading: '', body: '' }),
  },
});
let done = 0;
const pool = createWorkerPool({
  registry,
  redis,
  keys: createKeyspace(process.env.CONVEYOR_PREFIX),
  logger: quietLogger(),
  concurrency: 100,
  queues: ['default'],
  processors: {
    ...processors,
    TEST_JOB: async (payload, context) => {
      const result = await processors.TEST_JOB(payload, context);
      done += 1;
      if (done % REPORT_EVERY === 0)
        console.log(JSON.stringify({ done, rss: process.memoryUsage().rss }));
      return result;
    },
  },
});
await pool.ready();
console.log(JSON.stringify({ ready: true, rss: process.memoryUsage().rss }));
process.on('SIGTERM', () => {
  void pool.close().then(() => process.exit(0));
});
