import {
  connectRedis,
  getFreePort,
  keysUnder,
  spawnTsProcess,
  type TsProcess,
} from '@conveyor/testkit';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { resolveRedis, SystemError } from '../src/system.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const entry = (name: 'start' | 'demo') =>
  fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url));

/** `yarn start`/`yarn demo` against the suite's Redis, never the machine's 6379. */
function run(name: 'start' | 'demo', env: NodeJS.ProcessEnv): TsProcess {
  const {
    CONVEYOR_ADMIN_TOKEN: _token,
    WORKER_HEALTH_PORT: _port,
    ...rest
  } = process.env;
  return spawnTsProcess(entry(name), {
    env: {
      ...rest,
      REDIS_URL: inject('redisUrl'),
      CONVEYOR_PREFIX: `t-${name}-${Date.now()}`,
      ...env,
    },
  });
}

const outputOf = (process: TsProcess) =>
  process.lines.map((l) => l.text).join('\n');

async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('no port');
  return { port: address.port, server };
}

describe('local start beside another stack', () => {
  it.each(['start', 'demo'] as const)(
    '`yarn %s` refuses an API port another process listens on, naming it, and exits 1',
    async (name) => {
      const held = await holdPort();
      try {
        const child = run(name, {
          API_PORT: String(held.port),
          HISTORY: 'off',
        });
        expect(await child.exited).toBe(1);
        expect(outputOf(child)).toContain(
          `Port ${held.port} is taken, wanted for the API (API_PORT): another process listens on ${held.port}.`,
        );
        expect(outputOf(child)).not.toContain('end to end');
      } finally {
        held.server.close();
      }
    },
    60_000,
  );

  it('`yarn start` prints the token file, dashboard and database URL; `yarn demo` beside it refuses, naming the Conveyor API', async () => {
    const apiPort = await getFreePort();
    const databaseUrl = inject('postgresUrl');
    const start = run('start', {
      API_PORT: String(apiPort),
      DATABASE_URL: databaseUrl,
    });
    try {
      await start.waitForLine((l) => l.text.includes('Job history'), 60_000);
      const printed = outputOf(start);
      expect(printed).toContain(
        `[conveyor] Dashboard: http://127.0.0.1:${apiPort}/admin (sign in with the admin token in ${ROOT}.data/admin-token).`,
      );
      expect(printed).toContain(
        `[conveyor] Runs console: http://127.0.0.1:${apiPort}/admin/console/ (any tenant's token; \`yarn build\` builds it).`,
      );
      const consolePage = await fetch(
        `http://127.0.0.1:${apiPort}/admin/console/`,
        { redirect: 'manual' },
      );
      expect(consolePage.headers.get('location')).toBe(
        '/admin/login?next=console',
      );
      expect(printed).toContain(
        `[conveyor] Job history database: ${databaseUrl}`,
      );

      const demo = run('demo', { API_PORT: String(apiPort), HISTORY: 'off' });
      expect(await demo.exited).toBe(1);
      expect(outputOf(demo)).toContain(
        `Port ${apiPort} is taken, wanted for the API (API_PORT): a Conveyor API or worker answers at http://127.0.0.1:${apiPort}/healthz (another \`yarn start\`?).`,
      );
      expect(outputOf(demo)).not.toContain('end to end');
    } finally {
      expect(await start.stop()).toBe(0);
    }
  }, 120_000);

  it('`yarn demo` without CONVEYOR_PREFIX keeps its job under a prefix of its own, so no other worker on a shared Redis can take it, and removes its keys', async () => {
    const demo = run('demo', { CONVEYOR_PREFIX: undefined, HISTORY: 'off' });
    const code = await demo.exited;
    const output = outputOf(demo);
    const prefix = /prefix of its own, (conveyor-demo-[0-9a-f]+)/.exec(
      output,
    )?.[1];
    expect(prefix).toBeDefined();
    expect(output).toMatch(/the job travelled end to end/);
    expect(code).toBe(0);
    const redis = connectRedis(inject('redisUrl'));
    try {
      expect(await keysUnder(redis, prefix ?? '')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});

describe('local start', () => {
  it('explains how to get Redis when none answers and none is installed', async () => {
    const nothingThere = `redis://127.0.0.1:${await getFreePort()}`;
    const error = await resolveRedis(() => undefined, {
      env: { PATH: '' },
      defaultUrl: nothingThere,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as Error).message).toContain(
      'there is no redis-server on PATH',
    );
    expect((error as Error).message).toContain(
      'REDIS_URL=redis://host:6379 yarn start',
    );
  });

  it('starts a redis-server from PATH with persistence when nothing answers', async () => {
    const port = await getFreePort();
    const messages: string[] = [];
    const choice = await resolveRedis((m) => messages.push(m), {
      env: { PATH: process.env.PATH },
      defaultUrl: `redis://127.0.0.1:${port}`,
    });
    try {
      expect(choice.url).toBe(`redis://127.0.0.1:${port}`);
      expect(messages[0]).toMatch(/Started redis-server .* AOF on/);
    } finally {
      await choice.server?.stop();
    }
  });

  it('refuses a REDIS_URL where nothing answers', async () => {
    const url = `redis://127.0.0.1:${await getFreePort()}`;
    await expect(
      resolveRedis(() => undefined, { env: { REDIS_URL: url } }),
    ).rejects.toThrow(`Nothing answers at REDIS_URL=${url}`);
  });

  it('`yarn demo` carries a TEST_JOB from the typed client to the worker and exits 0', async () => {
    const demo = spawnTsProcess(
      fileURLToPath(new URL('../src/demo.ts', import.meta.url)),
      {
        env: {
          ...process.env,
          REDIS_URL: inject('redisUrl'),
          CONVEYOR_PREFIX: `t-demo-${Date.now()}`,
          DATABASE_URL: inject('postgresUrl'),
        },
      },
    );
    const code = await demo.exited;
    const output = demo.lines.map((l) => l.text).join('\n');
    expect(output).toContain(
      'TEST_JOB processed successfully with data: {"message":"Hello from the Conveyor demo',
    );
    expect(output).toMatch(
      /\[demo\] The worker processed job \S+: the job travelled end to end\./,
    );
    expect(code).toBe(0);
    // Tokens are on, as in production: the demo used the local admin token.
    expect(output).toContain('API tokens are on');
    expect(output).not.toContain('every caller is the local admin');
  }, 60_000);

  it('`yarn demo` works the same with LOG_LEVEL=warn: readiness is probed, not read from logs', async () => {
    const demo = spawnTsProcess(
      fileURLToPath(new URL('../src/demo.ts', import.meta.url)),
      {
        env: {
          ...process.env,
          REDIS_URL: inject('redisUrl'),
          CONVEYOR_PREFIX: `t-demo-warn-${Date.now()}`,
          LOG_LEVEL: 'warn',
          HISTORY: 'off',
        },
      },
    );
    const code = await demo.exited;
    const output = demo.lines.map((l) => l.text).join('\n');
    expect(output).not.toContain('TEST_JOB processed successfully');
    expect(output).toMatch(
      /\[demo\] The worker processed job \S+: the job travelled end to end\./,
    );
    expect(code).toBe(0);
  }, 60_000);
});
