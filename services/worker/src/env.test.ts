import { readEnv } from '@conveyor/ops';
import { describe, expect, it } from 'vitest';
import { ExampleWorkerEnvSchema } from './env.ts';

describe('the example worker’s settings', () => {
  it('are the runtime’s plus its processors’ own', () => {
    const env = readEnv(ExampleWorkerEnvSchema, {
      FEED_URLS: 'https://a.example/feed, https://b.example/atom',
      WORKER_QUEUES: 'feeds',
    });
    expect(env.FEED_URLS).toEqual([
      'https://a.example/feed',
      'https://b.example/atom',
    ]);
    expect(env.FEED_ALLOW_PRIVATE).toBe(false);
    expect(env.WORKER_QUEUES).toEqual(['feeds']);
    expect(env.WORKER_CONCURRENCY).toBe(10);
  });

  it('refuses a feed that is not http(s)', () => {
    expect(() =>
      readEnv(ExampleWorkerEnvSchema, { FEED_URLS: 'file:///etc/passwd' }),
    ).toThrow(/FEED_URLS/);
  });
});
