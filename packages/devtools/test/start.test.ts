import { getFreePort, spawnTsProcess } from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { resolveRedis, SystemError } from '../src/system.ts';

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
