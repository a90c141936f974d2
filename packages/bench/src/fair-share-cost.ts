// `tsx --conditions=@conveyor/source src/fair-share-cost.ts` (env N, REPS,
// CMDS=1 for the commands that changed most): what fair share costs per job
// in the worker pool, as scenario 10 runs it (concurrency 100, three
// tenants, no-op jobs), fair share off and on interleaved. CPU per job
// (the process's `process.cpuUsage` while only the pool works, Redis
// `INFO cpu`) and Redis commands per job (in-script calls counted), which a
// shared machine leaves readable when throughput is not.
import { nonEmptyBatch } from '@conveyor/core';
import { FLOW_QUEUES, flowRegistry as registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
} from '@conveyor/queue';
import { startRedisServer } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pino } from 'pino';

const N = Number(process.env.N ?? 15_000);
const REPS = Number(process.env.REPS ?? 3);
const TENANTS = ['A', 'B', 'C'];
const SIDES = { off: 'flow.plain', on: 'flow.fair' } as const;
type SideName = keyof typeof SIDES;

async function redisInfo(r: Redis) {
  const cpu = await r.info('cpu');
  const stats = await r.info('commandstats');
  const v = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(cpu)?.[1]);
  const calls = new Map<string, number>();
  for (const m of stats.matchAll(/cmdstat_([\w|]+):calls=(\d+),usec=(\d+)/g)) {
    calls.set(m[1]!, Number(m[2]));
    calls.set(`${m[1]!} µs`, Number(m[3]));
  }
  return { cpu: (v('used_cpu_sys') + v('used_cpu_user')) * 1e6, calls };
}

const sum = (m: Map<string, number>) =>
  [...m].filter(([k]) => !k.endsWith('µs')).reduce((a, [, n]) => a + n, 0);

async function runSide(url: string, side: SideName, rep: number) {
  const keys = createKeyspace(`cost${rep}${side}`);
  const name = SIDES[side];
  const queue = side === 'on' ? FLOW_QUEUES.fair : FLOW_QUEUES.plain;
  const redis = new Redis(url);
  const workerRedis = new Redis(url, { maxRetriesPerRequest: null });
  const per = Math.floor(N / TENANTS.length);
  for (const tenantId of TENANTS) {
    const producer = createProducer({
      registry,
      tenantId,
      redis,
      keys,
      timeoutMs: 30_000,
    });
    const jobs = Array.from({ length: per }, (_, n) => ({
      name,
      data: { n, ms: 0 },
    }));
    for (let i = 0; i < jobs.length; i += 1_000)
      await producer.enqueueMany({
        jobs: nonEmptyBatch(jobs.slice(i, i + 1_000)),
      });
    await producer.close();
  }
  const total = per * TENANTS.length;
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const processor = () => {
    done += 1;
    if (done === total) finish();
    return Promise.resolve();
  };
  const session = process.env.PROF ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const before = await redisInfo(redis);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const pool = createWorkerPool({
    registry,
    redis: workerRedis,
    keys,
    logger: pino({ level: 'info' }, { write: () => undefined }),
    concurrency: 100,
    queues: [queue],
    processors: { [name]: processor } as never,
  });
  await pool.ready();
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  const after = await redisInfo(redis);
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(
      `${process.env.PROF}-${side}-${rep}.cpuprofile`,
      JSON.stringify(profile),
    );
    session.disconnect();
  }
  await pool.close();
  workerRedis.disconnect();
  redis.disconnect();
  const calls = new Map<string, number>();
  for (const [k, n] of after.calls)
    calls.set(k, n - (before.calls.get(k) ?? 0));
  return {
    rate: total / seconds,
    node: (used.user + used.system) / total,
    redis: (after.cpu - before.cpu) / total,
    cmds: (sum(calls) - 4) / total,
    calls,
    total,
  };
}

const server = await startRedisServer();
const results: Record<SideName, Awaited<ReturnType<typeof runSide>>[]> = {
  off: [],
  on: [],
};
const orders: SideName[][] = [
  ['off', 'on'],
  ['on', 'off'],
];
for (let rep = 0; rep < REPS; rep++)
  for (const side of orders[rep % 2]!) {
    if (process.env.ONLY && process.env.ONLY !== side) continue;
    const r = await runSide(server.url, side, rep);
    results[side].push(r);
    console.log(
      `rep ${rep} ${side.padEnd(3)} ${r.rate.toFixed(0)} jobs/s, node ${r.node.toFixed(1)} µs/job, redis ${r.redis.toFixed(1)} µs/job, ${r.cmds.toFixed(1)} commands/job`,
    );
  }
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const side of ['off', 'on'] as SideName[]) {
  const rs = results[side];
  if (rs.length === 0) continue;
  console.log(
    `median ${side}: ${med(rs.map((r) => r.rate)).toFixed(0)} jobs/s, node ${med(rs.map((r) => r.node)).toFixed(1)} µs/job, redis ${med(rs.map((r) => r.redis)).toFixed(1)} µs/job, ${med(rs.map((r) => r.cmds)).toFixed(1)} commands/job`,
  );
}
const ratios = results.on
  .filter((_, i) => results.off[i])
  .map((r, i) => r.rate / results.off[i]!.rate);
console.log(
  `ratio on/off per rep: ${ratios.map((x) => x.toFixed(2)).join(' ')}`,
);
if (process.env.CMDS && !process.env.ONLY) {
  const last = (s: SideName) => results[s][results[s].length - 1]!;
  const names = new Set([
    ...last('off').calls.keys(),
    ...last('on').calls.keys(),
  ]);
  const rows = [...names]
    .map((k) => {
      const per = (s: SideName) => (last(s).calls.get(k) ?? 0) / last(s).total;
      return [k, per('off'), per('on')] as const;
    })
    .filter(([, a, b]) => a + b > 0.05)
    .sort((x, y) => y[2] - y[1] - (x[2] - x[1]));
  for (const [k, a, b] of rows)
    console.log(`  ${k.padEnd(20)} off ${a.toFixed(2)}  on ${b.toFixed(2)}`);
}
await server.stop();
