// `yarn soak`: 1M TEST_JOBs through the real API and worker processes,
// sampling both after a forced GC every `--sample-every` jobs.
import { getFreePort, startRedisServer } from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LoadGenerator } from './load-generator.ts';
import { RedisCensus } from './redis-census.ts';
import {
  startServiceProcess,
  waitUntilReady,
  type ServiceProcess,
} from './service-process.ts';
import { soakMarkdown, type SoakResult } from './soak-markdown.ts';
import { runSoak, type SoakSettings } from './run-soak.ts';

const ROOT = new URL('../../../../', import.meta.url);
const ENTRIES = {
  api: fileURLToPath(new URL('services/api/dist/main.js', ROOT)),
  worker: fileURLToPath(new URL('services/worker/dist/main.js', ROOT)),
};
const OUT = new URL('.bench/', ROOT);

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '1000000' },
    'sample-every': { type: 'string', default: '100000' },
    batch: { type: 'string', default: '100' },
    callers: { type: 'string', default: '4' },
    'max-backlog': { type: 'string', default: '20000' },
    'heap-snapshots': { type: 'boolean', default: false },
  },
});
const settings: SoakSettings = {
  jobs: Number(values.jobs),
  sampleEvery: Number(values['sample-every']),
  batch: Number(values.batch),
  callers: Number(values.callers),
  maxBacklog: Number(values['max-backlog']),
  heapSnapshots: values['heap-snapshots']
    ? fileURLToPath(new URL('soak/', OUT))
    : undefined,
};
if (!(settings.jobs >= settings.sampleEvery && settings.sampleEvery > 0)) {
  console.error('--jobs must be at least --sample-every, both positive');
  process.exit(2);
}
for (const entry of Object.values(ENTRIES))
  if (!existsSync(entry)) {
    console.error(`${entry} is missing: run \`yarn build\` first`);
    process.exit(2);
  }
mkdirSync(settings.heapSnapshots ?? OUT, { recursive: true });

// Room for the bounded backlog and the listing index (200k entries at most).
const redisServer = await startRedisServer({ args: ['--maxmemory', '2gb'] });
const census = new RedisCensus(redisServer.url);
const token = randomBytes(32).toString('base64url');
const [apiPort, healthPort] = [await getFreePort(), await getFreePort()];
const shared = {
  REDIS_URL: redisServer.url,
  LOG_LEVEL: 'warn',
  HISTORY: 'off',
};
const services: ServiceProcess[] = [];
let exitCode = 0;
try {
  const api = startServiceProcess('api', ENTRIES.api, {
    ...shared,
    API_PORT: String(apiPort),
    CONVEYOR_ADMIN_TOKEN: token,
  });
  const worker = startServiceProcess('worker', ENTRIES.worker, {
    ...shared,
    WORKER_HEALTH_PORT: String(healthPort),
  });
  services.push(api, worker);
  await waitUntilReady(`http://127.0.0.1:${apiPort}/readyz`, api);
  await waitUntilReady(`http://127.0.0.1:${healthPort}/readyz`, worker);

  const load = new LoadGenerator({
    url: `http://127.0.0.1:${apiPort}/trpc`,
    token,
    batch: settings.batch,
    callers: settings.callers,
    maxBacklog: settings.maxBacklog,
    backlog: () => census.waiting(),
  });
  const run = await runSoak({
    settings,
    load,
    census,
    services: { api, worker },
    redisPort: redisServer.port,
  });
  const result: SoakResult = {
    machine: {
      date: new Date().toISOString(),
      cpu: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
      node: process.version,
      redis: await census.version(),
    },
    settings: { ...settings, heapSnapshots: Boolean(settings.heapSnapshots) },
    ...run,
  };
  writeFileSync(
    new URL('soak.json', OUT),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(`\n${soakMarkdown(result)}`);
  console.log(`\nJSON: ${fileURLToPath(new URL('soak.json', OUT))}`);
  if (result.verdicts.some((v) => !v.met)) exitCode = 1;
} catch (error) {
  console.error(
    `Soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  exitCode = 1;
} finally {
  await Promise.all(services.map((service) => service.stop()));
  census.close();
  await redisServer.stop();
}
process.exit(exitCode);
