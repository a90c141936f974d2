import { getFreePort } from '@conveyor/testkit';
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CpuProfile } from '../profile-summary.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const CONVEYOR_MAIN = join(ROOT, 'services/api/dist/main.js');
const PLAIN_SERVER = fileURLToPath(
  new URL('./plain-server.js', import.meta.url),
);

export interface ServerProcess {
  /** `http://127.0.0.1:port` */
  origin: string;
  pid: number;
  /** The process's user + system CPU so far, in µs (Linux `/proc`); undefined elsewhere. */
  cpuMicros(): number | undefined;
  /** SIGTERM, wait for the exit; with profiling on, the process's CPU profile. */
  stop(): Promise<CpuProfile | undefined>;
}

export interface ServerOptions {
  kind: 'plain' | 'conveyor';
  redisUrl: string;
  prefix: string;
  /** BullMQ job options for the plain server's queue. */
  jobOptions: object;
  queue: string;
  profile: boolean;
}

/** Variables of the bench's own environment a server must not inherit. */
const DROPPED =
  /^(NODE_OPTIONS|CONVEYOR_|DATABASE_URL|HISTORY|OTEL_|API_|METRICS_|TENANT_|DASHBOARD_)/;

/**
 * A server in its own `node` process, as production runs it: the plain
 * baseline, or Conveyor's built API (`services/api/dist/main.js`) with its
 * defaults (open on loopback, every caller the local admin, history off,
 * request logs at info to a file).
 */
export async function startServer(
  options: ServerOptions,
): Promise<ServerProcess> {
  const port = await getFreePort();
  const scratch = mkdtempSync(join(tmpdir(), `bench-${options.kind}-`));
  const logFile = join(scratch, 'stdout.log');
  const out = openSync(logFile, 'w');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !DROPPED.test(key)),
  );
  const profileArgs = options.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${scratch}`]
    : [];
  const child =
    options.kind === 'plain'
      ? spawn(process.execPath, [...profileArgs, PLAIN_SERVER], {
          cwd: ROOT,
          stdio: ['ignore', out, out],
          env: {
            ...env,
            REDIS_URL: options.redisUrl,
            PORT: String(port),
            PREFIX: options.prefix,
            QUEUE: options.queue,
            JOB_OPTIONS: JSON.stringify(options.jobOptions),
          },
        })
      : spawn(process.execPath, [...profileArgs, CONVEYOR_MAIN], {
          cwd: ROOT,
          stdio: ['ignore', out, out],
          env: {
            ...env,
            REDIS_URL: options.redisUrl,
            API_HOST: '127.0.0.1',
            API_PORT: String(port),
            CONVEYOR_PREFIX: options.prefix,
            HISTORY: 'off',
          },
        });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => resolve(code)),
  );
  const logTail = () => readFileSync(logFile, 'utf8').slice(-2_000);
  const origin = `http://127.0.0.1:${port}`;
  const ready = await waitReady(
    `${origin}${options.kind === 'plain' ? '/ready' : '/readyz'}`,
    exited,
  );
  if (!ready) {
    child.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`the ${options.kind} server did not start:\n${logTail()}`);
  }
  return {
    origin,
    pid: child.pid ?? 0,
    cpuMicros: () => processCpuMicros(child.pid),
    async stop() {
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(15_000, 'timeout')]);
      if (code === 'timeout') child.kill('SIGKILL');
      try {
        const file = readdirSync(scratch).find((f) =>
          f.endsWith('.cpuprofile'),
        );
        return file
          ? (JSON.parse(
              readFileSync(join(scratch, file), 'utf8'),
            ) as CpuProfile)
          : undefined;
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  };
}

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ: 100 on every Linux build in use). */
const USER_HZ = 100;

function processCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1_000_000) / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}

async function waitReady(
  url: string,
  exited: Promise<unknown>,
): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  while (!gone && Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  return false;
}
