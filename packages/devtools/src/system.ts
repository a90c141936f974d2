import {
  findRedisServer,
  pingRedis,
  spawnTsProcess,
  startRedisServer,
  type OutputLine,
  type RedisServerHandle,
  type TsProcess,
} from '@conveyor/testkit';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { resolveHistoryDatabase } from './history-database.ts';
import { localAdminToken } from './local-admin-token.ts';
import { ensurePortsFree } from './port-holder.ts';
import { SystemError } from './system-error.ts';
import { prettyFactory } from 'pino-pretty';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export { SystemError };

export interface LogLine extends OutputLine {
  source: 'api' | 'worker';
}

export interface RunningSystem {
  /** The admin token the API requires (also in `.data/admin-token`). */
  adminToken: string;
  /** Where that token comes from: its file's path, or `CONVEYOR_ADMIN_TOKEN`. */
  adminTokenFrom: string;
  /** The job-history database (DATABASE_URL); undefined when history is off. */
  historyUrl?: string;
  apiUrl: string;
  /** The worker's health server (`/healthz`, `/readyz`). */
  workerHealthUrl: string;
  redisUrl: string;
  /** Resolves with the first line of a service's log (past or future) that matches. */
  waitForLog(
    source: LogLine['source'],
    match: (line: OutputLine) => boolean,
    timeoutMs: number,
  ): Promise<OutputLine>;
  /** Resolves when a service exits on its own (i.e. not by `stop`). */
  crashed: Promise<string>;
  /** Stops the services, runs `cleanUp` while Redis still answers, then stops what it started. */
  stop(cleanUp?: (redisUrl: string) => Promise<void>): Promise<void>;
}

export interface SystemOptions {
  apiPort: number;
  say: (message: string) => void;
  print: (line: LogLine) => void;
}

const prettify = prettyFactory({
  colorize: process.stdout.isTTY,
  translateTime: 'HH:MM:ss.l',
  ignore: 'pid,hostname',
});

export function formatLogLine(line: LogLine): string {
  const body = line.record ? prettify(line.record).trimEnd() : line.text;
  return `[${line.source}] ${body}`;
}

export interface RedisChoice {
  url: string;
  server?: RedisServerHandle;
}

/**
 * Redis for a local run: REDIS_URL when set; else whatever answers at the
 * default address; else a redis-server from PATH, keeping its data under
 * `.data/redis` with AOF on. Without any, a SystemError says how to get one.
 */
export async function resolveRedis(
  say: (message: string) => void,
  { env = process.env, defaultUrl = DEFAULT_REDIS_URL } = {},
): Promise<RedisChoice> {
  if (env.REDIS_URL) {
    if (!(await pingRedis(env.REDIS_URL, 2_000))) {
      throw new SystemError(
        `Nothing answers at REDIS_URL=${env.REDIS_URL}. Start Redis there or unset REDIS_URL.`,
      );
    }
    return { url: env.REDIS_URL };
  }
  if (await pingRedis(defaultUrl)) {
    say(`Using the Redis already running at ${defaultUrl}`);
    return { url: defaultUrl };
  }
  const binary = findRedisServer(env.PATH);
  if (!binary) {
    throw new SystemError(
      [
        `No Redis answers at ${defaultUrl} and there is no redis-server on PATH.`,
        'Install one (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis),',
        'or point Conveyor at a running Redis: REDIS_URL=redis://host:6379 yarn start',
      ].join('\n'),
    );
  }
  const port = Number(new URL(defaultUrl).port || 6379);
  await ensurePortsFree([{ port, role: 'the Redis it would start' }]);
  const server = await startRedisServer({
    binary,
    port,
    dataDir: `${ROOT}.data/redis`,
  });
  say(
    `Started redis-server on ${server.url} (data in .data/redis, AOF on, noeviction)`,
  );
  return { url: server.url, server };
}

/** Redis (found or started), then the API and the worker from source, with their logs merged. */
export async function startSystem(
  options: SystemOptions,
): Promise<RunningSystem> {
  // Beside another stack, our services would fail to bind while the
  // readiness probes below reached the other one and called it ours.
  await ensurePortsFree([
    { port: options.apiPort, role: 'the API (API_PORT)' },
    ...(process.env.WORKER_HEALTH_PORT
      ? [
          {
            port: Number(process.env.WORKER_HEALTH_PORT),
            role: "the worker's health server (WORKER_HEALTH_PORT)",
          },
        ]
      : []),
  ]);
  const redis = await resolveRedis(options.say);
  const history = await resolveHistoryDatabase(options.say, ROOT);
  const apiUrl = `http://127.0.0.1:${options.apiPort}`;
  // Readiness comes from health probes, never from log lines: LOG_LEVEL=warn
  // (or any level) must start the same.
  const workerPort = Number(
    process.env.WORKER_HEALTH_PORT || (await freePort()),
  );
  const workerHealthUrl = `http://127.0.0.1:${workerPort}`;
  const admin = localAdminToken(ROOT);
  const adminTokenFrom =
    admin.source === 'env' ? 'CONVEYOR_ADMIN_TOKEN' : admin.file;
  options.say(
    admin.source === 'env'
      ? 'API tokens are on: the admin token is CONVEYOR_ADMIN_TOKEN.'
      : `API tokens are on: the local admin token is in ${admin.file}${admin.source === 'new' ? ' (new)' : ''}. ` +
          `\`yarn conveyor\` finds it by itself; other clients send it as \`Authorization: Bearer $(cat ${admin.file})\`.`,
  );
  const env = {
    ...process.env,
    REDIS_URL: redis.url,
    API_PORT: String(options.apiPort),
    API_HOST: '127.0.0.1',
    CONVEYOR_ADMIN_TOKEN: admin.token,
    WORKER_HEALTH_PORT: String(workerPort),
    WORKER_HEALTH_HOST: '127.0.0.1',
    ...(history.url ? { DATABASE_URL: history.url } : {}),
  };
  let stopping = false;
  let reportCrash: (why: string) => void = () => undefined;
  const crashed = new Promise<string>((resolve) => (reportCrash = resolve));

  const run = (source: LogLine['source'], entry: string): TsProcess => {
    const service = spawnTsProcess(entry, {
      cwd: ROOT,
      env,
      onLine: (line) => options.print({ ...line, source }),
    });
    void service.exited.then((code) => {
      if (!stopping) reportCrash(`${source} exited (${code})`);
    });
    return service;
  };
  const services = {
    api: run('api', 'services/api/src/main.ts'),
    worker: run('worker', 'services/worker/src/main.ts'),
  };

  async function stop(cleanUp?: (redisUrl: string) => Promise<void>) {
    stopping = true;
    await Promise.all([services.api.stop(), services.worker.stop()]);
    await cleanUp?.(redis.url);
    await redis.server?.stop();
    await history.server?.stop();
  }
  const waitForLog: RunningSystem['waitForLog'] = (source, match, timeoutMs) =>
    services[source].waitForLine(match, timeoutMs);

  try {
    await Promise.race([
      Promise.all([
        waitForReady(`${apiUrl}/readyz`, 30_000),
        waitForReady(`${workerHealthUrl}/readyz`, 30_000),
      ]),
      crashed.then((why) =>
        Promise.reject(new SystemError(`Startup failed: ${why}`)),
      ),
    ]);
  } catch (error) {
    await stop();
    throw error instanceof SystemError
      ? error
      : new SystemError((error as Error).message);
  }
  return {
    apiUrl,
    workerHealthUrl,
    redisUrl: redis.url,
    adminToken: admin.token,
    adminTokenFrom,
    historyUrl: history.url,
    waitForLog,
    crashed,
    stop,
  };
}

async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new SystemError(`${url} did not answer ready within ${timeoutMs} ms`);
}

/** A port nothing listens on now (the worker's health server takes it next). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
