// `tsx --conditions=@conveyor/source src/history-drain-cost.ts` (env N,
// PER_TURN, TURN_MS): what history costs per transition apart from the
// worker, as CPU per transition rather than throughput, which a shared
// machine makes unreadable. The outbox appends alone (Node CPU, Redis CPU
// and commands), then appends at a steady rate with the drainer beside
// (Node CPU of both, PostgreSQL's processes' CPU from /proc, statements).
// PROFILE=dir writes each phase's CPU and allocation profiles there
// (append, drain).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  HistoryOutbox,
  openHistoryDatabase,
  startHistoryDrainer,
  transitionId,
  type Transition,
} from '@conveyor/history';
import { createKeyspace } from '@conveyor/queue';
import { startPostgres, startRedisServer } from '@conveyor/testkit';

const N = Number(process.env.N ?? 20_000);
const PER_TURN = Number(process.env.PER_TURN ?? 40);
const TURN_MS = Number(process.env.TURN_MS ?? 10);
const silent = { info() {}, warn() {}, error() {} };

function cpuTicks(dataDir: string): number {
  const root = Number(
    readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8')
        .split(') ')[1]!
        .split(' ');
      if (Number(pid) === root || Number(f[1]) === root)
        ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // The process exited between the listing and the read.
    }
  }
  return ticks * 10_000; // µs at 100 Hz
}

/** With PROFILE=dir, a CPU profile of what runs until the returned stop. */
async function profile(name: string): Promise<() => Promise<void>> {
  const dir = process.env.PROFILE;
  if (!dir) return () => Promise.resolve();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return async () => {
    const { profile: taken } = await session.post('Profiler.stop');
    const heap = await session.post('HeapProfiler.stopSampling');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(taken));
    writeFileSync(`${dir}/${name}.heapprofile`, JSON.stringify(heap.profile));
    session.disconnect();
  };
}

async function redisInfo(r: Redis): Promise<{ cpu: number; cmds: number }> {
  const cpu = await r.info('cpu');
  const stats = await r.info('stats');
  const v = (k: string, s: string) =>
    Number(new RegExp(`${k}:([\\d.]+)`).exec(s)?.[1]);
  return {
    cpu: (v('used_cpu_sys', cpu) + v('used_cpu_user', cpu)) * 1e6,
    cmds: v('total_commands_processed', stats),
  };
}

function outcome(i: number, at: number): Transition {
  const jobId = `job-${i}`;
  return {
    id: transitionId(jobId, 0, 1, 'completed'),
    jobId,
    tenantId: 'acme',
    name: 'TEST_JOB',
    queue: 'default',
    run: 0,
    attempt: 1,
    type: 'completed',
    at,
    result: { ok: true },
    durationMs: 3,
    worker: 'host:1',
  };
}

const redisServer = await startRedisServer();
const postgres = await startPostgres();
const database = await openHistoryDatabase({
  connectionString: postgres.url,
  logger: silent,
});
let statements = 0;
const db = database.db.withPlugin({
  transformQuery: (a) => (statements++, a.node),
  transformResult: (a) => Promise.resolve(a.result),
});
const redis = new Redis(redisServer.url);
const keys = createKeyspace('cost');
const outbox = new HistoryOutbox(redis, keys);

// Worker side alone: appends at the same pace, no drainer.
let stopProfile = await profile('append');
let before = await redisInfo(redis);
let cpu = process.cpuUsage();
let t0 = Date.now();
for (let i = 0; i < N; i += PER_TURN) {
  const turn = Array.from({ length: PER_TURN }, (_, k) =>
    outbox.append(outcome(i + k, t0)),
  );
  await Promise.all(turn);
}
let used = process.cpuUsage(cpu);
await stopProfile();
let after = await redisInfo(redis);
console.log(
  `append: node ${((used.user + used.system) / N).toFixed(1)} µs/transition, redis ${((after.cpu - before.cpu) / N).toFixed(1)} µs/transition, ${((after.cmds - before.cmds) / N).toFixed(3)} commands/transition`,
);
await redis.del(keys.historyStream());

// Drainer at a steady rate: appends of PER_TURN every TURN_MS, drainer beside.
const drainer = startHistoryDrainer({
  redis,
  keys,
  db,
  logger: silent,
  gatherMs: Number(process.env.GATHER_MS ?? 200),
});
await new Promise((r) => setTimeout(r, 500));
statements = 0;
stopProfile = await profile('drain');
const pg0 = cpuTicks(postgres.dataDir);
before = await redisInfo(redis);
cpu = process.cpuUsage();
t0 = Date.now();
for (let i = N; i < 2 * N; i += PER_TURN) {
  await Promise.all(
    Array.from({ length: PER_TURN }, (_, k) =>
      outbox.append(outcome(i + k, Date.now())),
    ),
  );
  await new Promise((r) => setTimeout(r, TURN_MS));
}
while (drainer.stats().written < N) await new Promise((r) => setTimeout(r, 20));
used = process.cpuUsage(cpu);
await stopProfile();
after = await redisInfo(redis);
const pg = cpuTicks(postgres.dataDir) - pg0;
console.log(
  `append+drain: node ${((used.user + used.system) / N).toFixed(1)} µs/transition, postgres ${(pg / N).toFixed(1)} µs/transition (100 Hz ticks), redis ${((after.cpu - before.cpu) / N).toFixed(1)} µs/transition, ${(statements / N).toFixed(3)} statements/transition (BEGIN/COMMIT not counted), ${((after.cmds - before.cmds) / N).toFixed(3)} redis commands/transition, ${((Date.now() - t0) / 1000).toFixed(1)} s, lag p99 ${drainer.stats().writeLagMs.p99} ms`,
);
await drainer.close();
redis.disconnect();
await database.close();
await postgres.dispose();
await redisServer.stop();
