import { describe, expect, it } from 'vitest';
import { historySetting, readApiEnv } from './env.ts';

describe('API environment', () => {
  it('has working defaults', () => {
    expect(readApiEnv({})).toMatchObject({
      API_HOST: '127.0.0.1',
      API_PORT: 3000,
      REDIS_URL: 'redis://127.0.0.1:6379',
      CONVEYOR_PREFIX: 'conveyor',
      LOG_LEVEL: 'info',
      CONVEYOR_ADMIN_TENANT: 'default',
      TENANT_MAX_UNFINISHED: 50,
      TENANT_RATE_PER_SECOND: 100,
      TENANT_BURST: 1_000,
      AUTH_MAX_FAILURES: 10,
      AUTH_FAILURE_WINDOW_MS: 60_000,
    });
    expect(readApiEnv({}).CONVEYOR_ADMIN_TOKEN).toBeUndefined();
  });

  it('reads the failed-authentication limit and refuses nonsense', () => {
    expect(
      readApiEnv({ AUTH_MAX_FAILURES: '3', AUTH_FAILURE_WINDOW_MS: '5000' }),
    ).toMatchObject({ AUTH_MAX_FAILURES: 3, AUTH_FAILURE_WINDOW_MS: 5_000 });
    for (const bad of [
      { AUTH_MAX_FAILURES: '0' },
      { AUTH_FAILURE_WINDOW_MS: '10' },
    ])
      expect(() => readApiEnv(bad)).toThrow(/AUTH_/);
  });

  it('refuses a short admin token', () => {
    expect(() => readApiEnv({ CONVEYOR_ADMIN_TOKEN: 'short' })).toThrow(
      /CONVEYOR_ADMIN_TOKEN: use at least 32 random characters/,
    );
  });

  it('names every bad variable in one readable message', () => {
    expect(() =>
      readApiEnv({ API_PORT: 'eighty', REDIS_URL: 'http://x' }),
    ).toThrow(/Invalid environment:\n {2}REDIS_URL: .*\n {2}API_PORT: /);
  });

  it('turns history on with a DATABASE_URL unless HISTORY=off, and says why not', () => {
    const url = 'postgres://conveyor:secret@db.internal:5432/conveyor';
    expect(historySetting(readApiEnv({}))).toEqual({
      on: false,
      why: 'no DATABASE_URL',
    });
    expect(historySetting(readApiEnv({ DATABASE_URL: url }))).toEqual({
      on: true,
      databaseUrl: url,
    });
    expect(
      historySetting(readApiEnv({ DATABASE_URL: url, HISTORY: 'off' })),
    ).toEqual({ on: false, why: 'HISTORY=off' });
    expect(() => readApiEnv({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: a postgres:\/\/ URL/,
    );
    expect(() => readApiEnv({ HISTORY: 'maybe' })).toThrow(/HISTORY/);
  });
});
