import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const WORKER_MAIN = `${ROOT}services/worker/dist/main.js`;

/** The bench's Redis runs without persistence on purpose: the daemon's warning about it is expected. */
const EXPECTED = /Redis persistence is off/;

/** Variables of the bench's own environment a daemon must not inherit (the tsx loader among them). */
const DROPPED =
  /^(NODE_OPTIONS|CONVEYOR_|REDIS_|DATABASE_URL|HISTORY|OTEL_|WORKER_|METRICS_|FEED_|CONTENT_|WEBHOOK_)/;

export interface WorkerDaemons {
  /** Lines the daemons wrote (warn and above): the last 200, each tagged with its process. */
  output: string[];
  /** SIGTERM to each, and wait until all exited (their grace period bounds it). */
  stop(): Promise<void>;
}

/**
 * `count` production worker daemons (`services/worker/dist/main.js` under
 * plain Node), each with `env` on top of a clean environment. Whatever they
 * print is kept and echoed (but the expected persistence warning): at
 * LOG_LEVEL=warn that is only trouble.
 */
export function startWorkerDaemons(
  count: number,
  env: Record<string, string>,
): WorkerDaemons {
  if (!existsSync(WORKER_MAIN))
    throw new Error(
      `the cluster bench needs the built worker (${WORKER_MAIN})`,
    );
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !DROPPED.test(key)),
  );
  const output: string[] = [];
  const children: ChildProcess[] = [];
  const exits: Promise<void>[] = [];
  for (let i = 0; i < count; i += 1) {
    const child = spawn(process.execPath, [WORKER_MAIN], {
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on('line', (line) => {
        output.push(`[worker ${i + 1}] ${line}`);
        if (output.length > 200) output.shift();
        if (!EXPECTED.test(line))
          process.stderr.write(`  [worker ${i + 1}] ${line}\n`);
      });
    children.push(child);
    exits.push(
      new Promise((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
      }),
    );
  }
  return {
    output,
    async stop() {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null)
          child.kill('SIGTERM');
      const all = Promise.all(exits);
      if ((await Promise.race([all, sleep(30_000, 'timeout')])) === 'timeout') {
        for (const child of children) child.kill('SIGKILL');
        await all;
      }
    },
  };
}
