import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { prettyFactory } from 'pino-pretty';
import { findRedisServer, pingRedis, startRedisServer, type RedisServerHandle } from '@conveyor/testkit';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** A failure to show the user as it is: one clear message, no stack. */
export class SystemError extends Error {}

export interface LogLine {
  source: 'api' | 'worker';
  /** The parsed pino record (null for a line that is not JSON). */
  record: Record<string, unknown> | null;
  text: string;
}

export interface RunningSystem {
  apiUrl: string;
  redisUrl: string;
  /** Resolves with the first log line (past or future) that matches. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** Resolves when a service exits on its own (i.e. not by `stop`). */
  crashed: Promise<string>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  apiPort: number;
  say: (message: string) => void;
  print: (line: LogLine) => void;
}

const prettify = prettyFactory({ colorize: process.stdout.isTTY, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' });

export function formatLogLine(line: LogLine): string {
  const body = line.record ? prettify(line.record).trimEnd() : line.text;
  return `[${line.source}] ${body}`;
}

/**
 * Redis for a local run: REDIS_URL when set; else whatever answers at the
 * default address; else a redis-server from PATH, keeping its data under
 * `.data/redis` with AOF on.
 */
async function resolveRedis(say: (m: string) => void): Promise<{ url: string; server?: RedisServerHandle }> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    if (!(await pingRedis(fromEnv, 2_000))) throw new SystemError(`Nothing answers at REDIS_URL=${fromEnv}.`);
    return { url: fromEnv };
  }
  if (await pingRedis(DEFAULT_REDIS_URL)) {
    say(`Using the Redis already running at ${DEFAULT_REDIS_URL}`);
    return { url: DEFAULT_REDIS_URL };
  }
  if (!findRedisServer()) {
    throw new SystemError(
      [
        `No Redis answers at ${DEFAULT_REDIS_URL} and there is no redis-server on PATH.`,
        'Either install one (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)',
        'or point Conveyor at a running Redis: REDIS_URL=redis://host:6379 yarn start',
      ].join('\n'),
    );
  }
  const dataDir = `${ROOT}.data/redis`;
  const server = await startRedisServer({ port: 6379, dataDir });
  say(`Started redis-server on ${server.url} (data in .data/redis, AOF on, noeviction)`);
  return { url: server.url, server };
}

/** Redis (found or started), then the API and the worker from source, with their logs merged. */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const { say } = options;
  const redis = await resolveRedis(say);
  const apiUrl = `http://127.0.0.1:${options.apiPort}`;
  const env = { ...process.env, REDIS_URL: redis.url, API_PORT: String(options.apiPort), API_HOST: '127.0.0.1' };
  const lines: LogLine[] = [];
  const waiters = new Set<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }>();
  const children: ChildProcess[] = [];
  let stopping = false;
  let reportCrash: (name: string) => void = () => undefined;
  const crashed = new Promise<string>((resolve) => (reportCrash = resolve));

  const run = (source: LogLine['source'], entry: string) => {
    const child = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), '--conditions=@conveyor/source', entry],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (text) => {
        let record: Record<string, unknown> | null = null;
        try {
          const parsed: unknown = JSON.parse(text);
          if (parsed && typeof parsed === 'object') record = parsed as Record<string, unknown>;
        } catch {
          // plain text line
        }
        const line = { source, record, text };
        lines.push(line);
        if (lines.length > 1_000) lines.shift();
        options.print(line);
        for (const waiter of waiters) if (waiter.match(line)) waiter.resolve(line);
      });
    }
    child.once('exit', (code) => {
      if (!stopping) reportCrash(`${source} exited with code ${code ?? 'null'}`);
    });
    children.push(child);
  };

  async function stop(): Promise<void> {
    stopping = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await redis.server?.stop();
  }

  function waitForLog(match: (l: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
    const seen = lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new SystemError(`Timed out after ${timeoutMs} ms waiting for the expected log line`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  }

  run('api', 'services/api/src/main.ts');
  run('worker', 'services/worker/src/index.ts');

  try {
    await Promise.race([
      Promise.all([
        waitForReady(`${apiUrl}/readyz`, 30_000),
        waitForLog((l) => l.source === 'worker' && l.record?.msg === 'Conveyor worker ready', 30_000),
      ]),
      crashed.then((why) => Promise.reject(new SystemError(`Startup failed: ${why}`))),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl, redisUrl: redis.url, waitForLog, crashed, stop };
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
  throw new SystemError(`The API did not become ready at ${url} within ${timeoutMs} ms`);
}
