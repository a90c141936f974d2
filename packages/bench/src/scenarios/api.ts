import { Queue } from 'bullmq';
import { startConveyorApi } from '../conveyor-api.ts';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  newRedis,
  withPrefix,
  type BenchContext,
  type Sample,
} from '../context.ts';
import { percentile } from '../stats.ts';
import type { Scenario } from '../scenario.ts';

const CALLERS = 50;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function post(agent: Agent, url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve()
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Each caller awaits its call, then makes the next: latency per call, jobs/s overall. */
async function callers(count: number, call: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        const t = performance.now();
        await call(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  return {
    rate: count / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** The baseline: the least an HTTP enqueue can do (parse JSON, queue.add, answer). */
async function raw(ctx: BenchContext, prefix: string, count: number) {
  const redis = newRedis(ctx);
  const queue = new Queue('default', { connection: redis, prefix });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { name, data } = JSON.parse(body) as {
        name: string;
        data: unknown;
      };
      queue.add(name, data).then(
        (job) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: job.id }));
        },
        () => {
          res.writeHead(503);
          res.end();
        },
      );
    });
  });
  const url = await listen(server);
  try {
    // A lean client too (keep-alive node:http), so the baseline is not held back by its load generator.
    const agent = new Agent({ keepAlive: true, maxSockets: CALLERS });
    try {
      return await callers(count, (i) =>
        post(
          agent,
          url,
          JSON.stringify({ name: 'TEST_JOB', data: { message: `m${i}` } }),
        ),
      );
    } finally {
      agent.destroy();
    }
  } finally {
    server.closeAllConnections();
    server.close();
    await queue.close();
    redis.disconnect();
  }
}

async function conveyor(ctx: BenchContext, prefix: string, count: number) {
  const api = await startConveyorApi(ctx, prefix);
  try {
    return await callers(count, (i) =>
      api.client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: `m${i}` },
      }),
    );
  } finally {
    await api.close();
  }
}

/** 2. Single enqueues over HTTP, 50 concurrent callers. */
export const apiScenario: Scenario = {
  id: 2,
  title:
    'API single calls: node:http + queue.add vs Conveyor enqueue via the typed client (50 callers)',
  goals: [
    {
      metric: 'jobs/s',
      ratio: 0.5,
      direction: 'at-least',
      label: 'API enqueue ≥ 0.5× plain node:http + queue.add',
    },
  ],
  async run(ctx, order) {
    const count = ctx.quick ? 1_000 : 10_000;
    const samples: Sample[] = [];
    for (const side of order) {
      const result = await withPrefix(ctx, 'api', (prefix) =>
        side === 'raw' ? raw(ctx, prefix, count) : conveyor(ctx, prefix, count),
      );
      samples.push(
        { metric: 'jobs/s', side, value: result.rate },
        { metric: 'p50 ms', side, value: result.p50 },
        { metric: 'p99 ms', side, value: result.p99 },
      );
    }
    return samples;
  },
};
