import { defineJob, defineRegistry, DEFAULT_TENANT } from '@conveyor/core';
import { QUEUES } from '@conveyor/fixtures';
import {
  startRedisServer,
  uniquePrefix,
  waitFor,
  type RedisServerHandle,
} from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
} from '../src/index.ts';

const later = defineJob({
  name: 'later',
  queue: QUEUES.default,
  input: z.strictObject({ due: z.number() }),
});
const registry = defineRegistry([later]);

// Redis checks a blocked fetch's timeout on its clock tick: at `hz 1` once a
// second, so a delayed job that starts near its due time was woken by the
// worker's alarm, which this test also sees as the marker write on MONITOR.
describe('delayed jobs wake the worker at their due time', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  let monitor: Redis;
  const rings: string[] = [];

  beforeAll(async () => {
    server = await startRedisServer({ args: ['--hz', '1'] });
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
    monitor = new Redis(server.url);
    const feed = await monitor.monitor();
    feed.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua' && args[0]?.toLowerCase() === 'zadd')
        rings.push(args.slice(1).join(' '));
    });
  });
  afterAll(async () => {
    monitor.disconnect();
    redis.disconnect();
    await server.stop();
  });

  it('adds the wake-up marker when a delayed job falls due, and never starts it early', async () => {
    const keys = createKeyspace(uniquePrefix('delayed-alarm'));
    const started: { due: number; at: number }[] = [];
    const pool = createWorkerPool({
      registry,
      redis,
      keys,
      logger: pino({ level: 'silent' }),
      processors: {
        later: ({ due }) => {
          started.push({ due, at: Date.now() });
          return Promise.resolve();
        },
      },
    });
    const producer = createProducer({
      registry,
      tenantId: DEFAULT_TENANT,
      redis,
      keys,
    });
    try {
      await pool.ready();
      for (let i = 0; i < 5; i += 1) {
        const delay = 300;
        await producer.enqueue({
          name: 'later',
          data: { due: Date.now() + delay },
          options: { delay },
        });
        await waitFor(
          () => (started.length > i ? true : undefined),
          20_000,
          `delayed job ${i + 1} to start`,
        );
      }
      const marker = `${keys.bullPrefix(QUEUES.default)}:${QUEUES.default}:marker 0 0`;
      // Without the alarm no client but BullMQ's scripts writes the marker.
      expect(rings.filter((r) => r === marker).length).toBeGreaterThan(0);
      for (const s of started) expect(s.at).toBeGreaterThanOrEqual(s.due);
    } finally {
      await producer.close();
      await pool.close();
    }
  });
});
