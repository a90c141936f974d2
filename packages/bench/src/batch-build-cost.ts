// `tsx --conditions=@conveyor/source src/batch-build-cost.ts`: what building
// one ioredis batch costs on a connection BullMQ uses (its 64 scripts
// defined on it), `redis.multi()` against `leanMulti` (lean-batch.ts).
// Construction only: nothing is sent.
import { leanMulti } from '@conveyor/queue';
import { startRedisServer } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const N = Number(process.env.N ?? 20_000);
const server = await startRedisServer();
const redis = new Redis(server.url, { maxRetriesPerRequest: null });
const queue = new Queue('batch-cost', { connection: redis });
await queue.waitUntilReady();

function perBatchMicros(build: () => unknown): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) build();
  return Number(process.hrtime.bigint() - started) / N / 1_000;
}

for (let rep = 1; rep <= 3; rep++) {
  const full = perBatchMicros(() => redis.multi());
  const lean = perBatchMicros(() => leanMulti(redis));
  console.log(
    `rep ${rep}: redis.multi() ${full.toFixed(1)} µs, leanMulti ${lean.toFixed(1)} µs per batch`,
  );
}
await queue.close();
redis.disconnect();
await server.stop();
