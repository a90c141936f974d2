import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** What the probe (`probe.js`) answers after a forced GC. */
export interface ProbeSample {
  pid: number;
  memory: {
    heapUsed: number;
    heapTotal: number;
    rss: number;
    external: number;
    arrayBuffers: number;
  };
  /** `process.getActiveResourcesInfo()`: one entry per handle, request or ref'ed timer. */
  resources: string[];
  processListeners: number;
  maxListeners: { owner: string; event: string; count: number };
  maxListenersWarnings: number;
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Service output lines (warn and above at LOG_LEVEL=warn), the last 200. */
  output: string[];
  sample(): Promise<ProbeSample>;
  heapSnapshot(path: string): Promise<string>;
  stop(): Promise<void>;
}

const PROBE = fileURLToPath(new URL('./probe.js', import.meta.url));
const ANSWER_TIMEOUT_MS = 60_000;

/**
 * A compiled service (`services/<name>/dist/main.js`) under plain Node with
 * `--expose-gc` and the probe preloaded, forked with an IPC channel the
 * probe answers on. NODE_OPTIONS is dropped: the soak itself runs under
 * tsx, and its loader must not leak into the measured processes.
 */
export function startServiceProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
): ServiceProcess {
  const inherited = { ...process.env };
  delete inherited.NODE_OPTIONS;
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', PROBE, entry],
    {
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (output.length > 200) output.shift();
      process.stderr.write(`[${name}] ${line}\n`);
    });
  }
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  let nextId = 0;
  const pending = new Map<
    number,
    { resolve(value: unknown): void; reject(error: Error): void }
  >();
  child.on(
    'message',
    (message: { id: number; result?: unknown; error?: string }) => {
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`${name}: ${message.error}`));
      else waiter.resolve(message.result);
    },
  );
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`${name} exited (${code ?? signal})`));
    pending.clear();
  });

  function ask(request: { soak: string; path?: string }): Promise<unknown> {
    const id = (nextId += 1);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${name} did not answer ${request.soak}`));
      }, ANSWER_TIMEOUT_MS);
      pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.send({ ...request, id });
    });
  }

  return {
    name,
    child,
    output,
    sample: () => ask({ soak: 'sample' }) as Promise<ProbeSample>,
    heapSnapshot: async (path) =>
      ((await ask({ soak: 'snapshot', path })) as { path: string }).path,
    async stop() {
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls `GET url` (no keep-alive) until it answers 200, or throws after `timeoutMs`. */
export async function waitUntilReady(
  url: string,
  service: ServiceProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null)
      throw new Error(
        `${service.name} exited:\n${service.output.slice(-20).join('\n')}`,
      );
    if ((await status(url)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${service.name} not ready at ${url}`);
}

function status(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
  });
}
