// `tsx --conditions=@conveyor/source src/api-request-cost.ts [main.js ...]`
// (env REPS, SECONDS): the API process's CPU per enqueue request, scenario
// 2's load (autocannon, 50 connections, one job per request) against each
// built API given (default: this tree's services/api/dist/main.js), sides
// interleaved, one fresh process per measurement. CPU per request rather
// than req/s, which a shared machine makes unreadable; comparing a copy of
// the base commit's tree with this one is the A/B of an API change.
import { getFreePort, startRedisServer } from '@conveyor/testkit';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONVEYOR_MAIN } from './api-load/server-process.ts';

const REPS = Number(process.env.REPS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 8);
/** Requests per second over all connections (RATE): on a loaded machine, a
 * fixed rate keeps both sides' batching per event-loop turn alike. */
const RATE = process.env.RATE ? Number(process.env.RATE) : undefined;
const mains = process.argv.slice(2);
if (mains.length === 0) mains.push(CONVEYOR_MAIN);
const body = JSON.stringify({
  json: { name: 'TEST_JOB', data: { message: 'hello' } },
});

function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function load(url: string, duration: number) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: 50,
    duration,
    headers: { 'content-type': 'application/json' },
    body,
    ...(RATE === undefined ? {} : { overallRate: RATE }),
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(
      `${url}: ${result.non2xx} non-2xx, ${result.errors} errors`,
    );
  return { requests: result['2xx'], perSecond: result['2xx'] / duration };
}

async function measure(main: string, redisUrl: string, rep: number) {
  const port = await getFreePort();
  const child = spawn(process.execPath, [main], {
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH,
      REDIS_URL: redisUrl,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      CONVEYOR_PREFIX: `cost${rep}${port}`,
      HISTORY: 'off',
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i += 1) {
      if (i > 300) throw new Error(`${main} did not start`);
      if (
        await fetch(`${origin}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await sleep(100);
    }
    await load(`${origin}/trpc/enqueue`, 2);
    const before = cpuMicros(child.pid ?? 0);
    const { requests, perSecond } = await load(
      `${origin}/trpc/enqueue`,
      SECONDS,
    );
    return { cpu: (cpuMicros(child.pid ?? 0) - before) / requests, perSecond };
  } finally {
    child.kill('SIGTERM');
  }
}

const redis = await startRedisServer();
try {
  for (let rep = 0; rep < REPS; rep += 1) {
    // The side that goes first alternates between repetitions.
    const order = rep % 2 === 0 ? mains : [...mains].reverse();
    for (const main of order) {
      const { cpu, perSecond } = await measure(main, redis.url, rep);
      console.log(
        `rep ${rep + 1} ${main}: ${cpu.toFixed(1)} µs CPU per request, ${perSecond.toFixed(0)} req/s`,
      );
    }
  }
} finally {
  await redis.stop();
}
