import { defineJob, defineRegistry } from '@conveyor/core';
import { startRedisServer } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { z } from 'zod';
import { createKeyspace, createProducer, createWorkerPool } from './src/index.ts';

const fair = defineJob({ name: 'b.fair', queue: 'bf', input: z.strictObject({ n: z.number() }), flow: { fairShare: true } });
const plain = defineJob({ name: 'b.plain', queue: 'bp', input: z.strictObject({ n: z.number() }) });
const registry = defineRegistry([fair, plain]);
const N = Number(process.argv[2] ?? 20000);

async function run(name: 'b.fair' | 'b.plain', url: string) {
  const keys = createKeyspace('bench' + Math.random());
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const producers = ['a', 'b', 'c'].map((t) => createProducer({ registry, tenantId: t, redis, keys }));
  for (let i = 0; i < N; i += 1000) {
    await producers[(i / 1000) % 3]!.enqueueMany({ jobs: Array.from({ length: 1000 }, (_, j) => ({ name, data: { n: i + j } })) as never });
  }
  let done = 0;
  let resolve!: () => void;
  const all = new Promise<void>((r) => (resolve = r));
  const t0 = Date.now();
  const pool = createWorkerPool({
    registry, redis, keys, concurrency: 100, logger: pino({ level: 'silent' }),
    queues: [name === 'b.fair' ? 'bf' : 'bp'],
    processors: { 'b.fair': async () => { if (++done === N) resolve(); }, 'b.plain': async () => { if (++done === N) resolve(); } },
  });
  await all;
  const ms = Date.now() - t0;
  await pool.close();
  for (const p of producers) await p.close();
  redis.disconnect();
  return (N / ms) * 1000;
}

const server = await startRedisServer();
try {
  for (let rep = 0; rep < 2; rep++) {
    const off = await run('b.plain', server.url);
    const on = await run('b.fair', server.url);
    console.log(`rep ${rep}: off ${off.toFixed(0)}/s on ${on.toFixed(0)}/s ratio ${(on / off).toFixed(2)}`);
  }
} finally {
  await server.stop();
}
