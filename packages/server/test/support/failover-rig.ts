import { createConveyorClient } from '@conveyor/client';
import {
  getFreePort,
  spawnTsProcess,
  uniquePrefix,
  type TsProcess,
} from '@conveyor/testkit';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FixtureClient, FixtureRouter } from './fixture-router.ts';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

export interface FailoverRig {
  client: FixtureClient;
  api: TsProcess;
  worker: TsProcess;
  /** Every /readyz answer the watcher got: time and status (0 = no answer). */
  readiness: { at: number; status: number }[];
  /** The side effects so far: job ids per message, one per processor run. */
  runs(): Map<string, string[]>;
  close(): Promise<void>;
}

/**
 * The API (fixture-api.ts) and a recording worker in child processes on
 * `address`, `apiEnv` added to the API's environment, and a watcher
 * polling the API's /readyz every 100 ms for the test's whole length.
 */
export async function startFailoverRig(
  address: string,
  apiEnv: Record<string, string> = {},
): Promise<FailoverRig> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-failover-'));
  const runsFile = join(dir, 'runs.log');
  const port = await getFreePort();
  const { CONVEYOR_ADMIN_TOKEN: _none, ...inherited } = process.env;
  const env = {
    ...inherited,
    REDIS_URL: address,
    CONVEYOR_PREFIX: uniquePrefix('failover'),
    LOG_LEVEL: 'warn',
  };
  const api = spawnTsProcess(fixture('fixture-api.ts'), {
    env: {
      ...env,
      API_PORT: String(port),
      // The load, not a tenant's limits, is what the test is about.
      TENANT_MAX_UNFINISHED: '1000000',
      TENANT_RATE_PER_SECOND: '1000000',
      TENANT_BURST: '1000000',
      ...apiEnv,
    },
  });
  const worker = spawnTsProcess(fixture('recording-worker.ts'), {
    env: { ...env, FAILOVER_RUNS_FILE: runsFile },
  });
  const readiness: { at: number; status: number }[] = [];
  let watching = true;
  const url = `http://127.0.0.1:${port}`;
  const watcher = (async () => {
    while (watching) {
      const status = await fetch(`${url}/readyz`, {
        signal: AbortSignal.timeout(2_000),
      }).then(
        (r) => r.status,
        () => 0,
      );
      readiness.push({ at: Date.now(), status });
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const close = async () => {
    watching = false;
    await watcher;
    await Promise.all([api.stop(), worker.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await worker.waitForLine((l) => l.text.includes('recording worker ready'));
    const deadline = Date.now() + 60_000;
    while (!readiness.some((r) => r.status === 200)) {
      if (Date.now() > deadline || api.child.exitCode !== null)
        throw new Error('the API did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await close();
    throw error;
  }
  const client = createConveyorClient<FixtureRouter>({
    url: `${url}/trpc`,
    enqueueRetries: 0,
  });
  return {
    client,
    api,
    worker,
    readiness,
    runs: () => readRuns(runsFile),
    close,
  };
}

function readRuns(file: string): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  // No file yet: nothing has run.
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  for (const line of text.split('\n')) {
    const [message, jobId] = line.split(' ');
    if (!message || !jobId) continue;
    runs.set(message, [...(runs.get(message) ?? []), jobId]);
  }
  return runs;
}
