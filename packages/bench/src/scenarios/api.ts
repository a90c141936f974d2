import autocannon from 'autocannon';
import { ensureApiBuilt } from '../api-load/ensure-built.ts';
import { startServer } from '../api-load/server-process.ts';
import {
  withPrefix,
  type BenchContext,
  type Sample,
  type Side,
} from '../context.ts';
import { fairJobOptions, TEST_JOB } from '../fair-options.ts';
import type { Scenario } from '../scenario.ts';

const CONNECTIONS = 50;
const BATCH = 10;

interface Load {
  perSecond: number;
  requests: number;
  p50: number;
  p99: number;
}

/** One autocannon run: 50 connections, one request in flight on each. Any answer but a 2xx fails it. */
async function load(url: string, body: string, seconds: number): Promise<Load> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body,
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(
      `${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors out of ${result.requests.total} requests`,
    );
  return {
    perSecond: result['2xx'] / result.duration,
    requests: result['2xx'],
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

const message = { name: TEST_JOB, data: { message: 'hello' } };
const batch = { jobs: Array.from({ length: BATCH }, () => message) };
/**
 * What each server is sent. tRPC's wire format without `?batch=1` is the
 * input serialised by superjson, which for plain JSON is `{ json: input }`.
 */
const calls = {
  raw: {
    single: { path: '/enqueue', body: JSON.stringify(message) },
    many: { path: '/enqueue-many', body: JSON.stringify(batch) },
  },
  conveyor: {
    single: { path: '/trpc/enqueue', body: JSON.stringify({ json: message }) },
    many: { path: '/trpc/enqueueMany', body: JSON.stringify({ json: batch }) },
  },
};

/** One side: its server started, warmed up, loaded with single then batched calls, stopped. */
async function measure(ctx: BenchContext, side: Side, prefix: string) {
  const seconds = ctx.quick
    ? { warm: 1, single: 2, many: 1 }
    : { warm: 2, single: 8, many: 5 };
  const server = await startServer({
    kind: side === 'raw' ? 'plain' : 'conveyor',
    redisUrl: ctx.redisUrl,
    prefix,
    queue: fairJobOptions.queue,
    jobOptions: fairJobOptions.options,
    profile: ctx.profiler !== undefined,
  });
  const { single, many } = calls[side];
  const window = { fromUs: 0, toUs: Number.MAX_SAFE_INTEGER };
  try {
    await load(`${server.origin}${single.path}`, single.body, seconds.warm);
    await load(`${server.origin}${many.path}`, many.body, seconds.warm / 2);
    window.fromUs = Number(process.hrtime.bigint() / 1_000n);
    const cpuBefore = server.cpuMicros();
    const one = await load(
      `${server.origin}${single.path}`,
      single.body,
      seconds.single,
    );
    window.toUs = Number(process.hrtime.bigint() / 1_000n);
    const cpuAfter = server.cpuMicros();
    // The server process's own CPU per answered request: unlike req/s, other
    // processes on the machine barely move it.
    const cpuPerRequest =
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : (cpuAfter - cpuBefore) / one.requests;
    const ten = await load(
      `${server.origin}${many.path}`,
      many.body,
      seconds.many,
    );
    return { one, ten, cpuPerRequest };
  } finally {
    const profile = await server.stop();
    // Only the single-call load (the goal's metric), without start-up and warm-up.
    if (profile && ctx.profiler) ctx.profiler.add(side, profile, window);
  }
}

/**
 * 2. The API under load, as deployed: each server in its own `node` process
 * (Conveyor's is the built `services/api/dist/main.js`), autocannon in the
 * bench's process as the load.
 */
export const apiScenario: Scenario = {
  id: 2,
  title: `API over HTTP, each server in its own process, autocannon ${CONNECTIONS} connections: node:http + queue.add vs Conveyor's enqueue`,
  goals: [
    {
      metric: 'req/s (1 job each)',
      ratio: 0.5,
      direction: 'at-least',
      label: 'API enqueue ≥ 0.5× plain node:http + queue.add',
    },
  ],
  async before(ctx) {
    await ensureApiBuilt((message) => ctx.log(message));
  },
  async run(ctx, order) {
    const samples: Sample[] = [];
    for (const side of order) {
      const { one, ten, cpuPerRequest } = await withPrefix(
        ctx,
        'api',
        (prefix) => measure(ctx, side, prefix),
      );
      samples.push(
        { metric: 'req/s (1 job each)', side, value: one.perSecond },
        { metric: 'p50 ms', side, value: one.p50 },
        { metric: 'p99 ms', side, value: one.p99 },
        {
          metric: `jobs/s (${BATCH} per request)`,
          side,
          value: ten.perSecond * BATCH,
        },
      );
      if (cpuPerRequest !== undefined)
        samples.push({
          metric: 'server CPU µs per request (1 job each)',
          side,
          value: cpuPerRequest,
        });
    }
    return samples;
  },
};
