import { describe, expect, it } from 'vitest';
import { readApiEnv } from './env.ts';

describe('API environment', () => {
  it('has working defaults', () => {
    expect(readApiEnv({})).toEqual({
      API_HOST: '127.0.0.1',
      API_PORT: 3000,
      REDIS_URL: 'redis://127.0.0.1:6379',
      CONVEYOR_PREFIX: 'conveyor',
      LOG_LEVEL: 'info',
    });
  });

  it('names every bad variable in one readable message', () => {
    expect(() =>
      readApiEnv({ API_PORT: 'eighty', REDIS_URL: 'http://x' }),
    ).toThrow(/Invalid environment:\n {2}REDIS_URL: .*\n {2}API_PORT: /);
  });
});
