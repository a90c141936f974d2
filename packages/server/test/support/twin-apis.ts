import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Authenticate } from '../../src/auth/authenticate.ts';
import type { ApiDeps } from '../../src/context.ts';
import type { HttpOptions } from '../../src/http/http-options.ts';
import { requestLog, type ObservedCall } from '../../src/request-observer.ts';
import { createApiServer } from '../../src/server.ts';

/** Everything a caller and an operator see of one request. */
export interface Answer {
  status: number;
  /** Every response header in order, except `date`. */
  headers: string[];
  /** The body, with job ids (which differ per enqueue) replaced. */
  body: string;
  /** What the observers were told (timings dropped). */
  calls: Omit<ObservedCall, 'durationMs'>[];
  /** The log lines (request log, refusals, failures) without times, pids, stacks. */
  log: Record<string, unknown>[];
  /** Fetch `Request`s built while answering: tRPC's adapter builds one per request. */
  fetchRequests: number;
}

export interface RawCall {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface TwinApis {
  /** The same request to tRPC's handler, then to the fast path. */
  ask(call: RawCall): Promise<{ standard: Answer; fast: Answer }>;
  /** Only to tRPC's handler: a request that sets the stage (a quota, a key) for both. */
  prime(call: RawCall): Promise<Answer>;
  close(): Promise<void>;
}

const JOB_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Two API servers over the same queues: one with the enqueue fast path off
 * (every request through tRPC's standalone handler), one with it on. Each
 * has its own logger and observer, so each answer carries its own traces.
 */
export async function startTwinApis(options: {
  services: ApiDeps['services'];
  authenticate: Authenticate;
  http?: Partial<HttpOptions>;
}): Promise<TwinApis> {
  const restoreRequest = countFetchRequests();
  const standard = await startOne(options, false);
  const fast = await startOne(options, true);
  return {
    async ask(call) {
      return { standard: await standard.ask(call), fast: await fast.ask(call) };
    },
    prime: (call) => standard.ask(call),
    async close() {
      await standard.close();
      await fast.close();
      restoreRequest();
    },
  };
}

let built = 0;

/** Counts `new Request()` anywhere in this process (tRPC's Node adapter makes one per request). */
function countFetchRequests(): () => void {
  const Original = globalThis.Request;
  globalThis.Request = class CountedRequest extends Original {
    constructor(...args: ConstructorParameters<typeof Request>) {
      super(...args);
      built += 1;
    }
  };
  return () => {
    globalThis.Request = Original;
  };
}

async function startOne(
  options: Parameters<typeof startTwinApis>[0],
  enqueueFastPath: boolean,
) {
  const log: Record<string, unknown>[] = [];
  const calls: Omit<ObservedCall, 'durationMs'>[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(line: Buffer, _encoding, done) {
        log.push(withoutNoise(JSON.parse(line.toString()) as object));
        done();
      },
    }),
  );
  const server = createApiServer({
    services: options.services,
    logger,
    authenticate: options.authenticate,
    observers: [
      requestLog(logger),
      ({ durationMs: _, ...call }) => calls.push(call),
    ],
    ...(options.http ? { http: options.http } : {}),
    enqueueFastPath,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    async ask(call: RawCall): Promise<Answer> {
      log.length = 0;
      calls.length = 0;
      const before = built;
      const answer = await send(port, call);
      // The log line and observers run as the answer is written: let them land.
      await new Promise((resolve) => setImmediate(resolve));
      // A batch's calls run concurrently: their lines interleave as Redis
      // answers, on either server. One call's lines keep their order.
      const batch = call.path.includes(',');
      return {
        ...answer,
        calls: batch ? sortedCopy(calls) : [...calls],
        log: batch ? sortedCopy(log) : [...log],
        fetchRequests: built - before,
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(
  port: number,
  call: RawCall,
): Promise<Pick<Answer, 'status' | 'headers' | 'body'>> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: call.path,
        method: call.method ?? 'POST',
        headers: call.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: withoutDate(res.rawHeaders),
            body: Buffer.concat(chunks)
              .toString('utf8')
              .replace(JOB_ID, '<job-id>'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(call.body);
  });
}

function withoutDate(raw: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]?.toLowerCase() !== 'date') kept.push(`${raw[i]}: ${raw[i + 1]}`);
  return kept;
}

function withoutNoise(line: object): Record<string, unknown> {
  const {
    time: _t,
    pid: _p,
    hostname: _h,
    durationMs: _d,
    ...rest
  } = line as Record<string, unknown>;
  if (typeof rest.err === 'object' && rest.err !== null) {
    const { stack: _s, ...err } = rest.err as Record<string, unknown>;
    rest.err = err;
  }
  return rest;
}

function sortedCopy<T>(items: readonly T[]): T[] {
  const keyed = items.map((item) => [JSON.stringify(item), item] as const);
  return keyed.sort(([a], [b]) => a.localeCompare(b)).map(([, item]) => item);
}
