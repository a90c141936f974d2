import { defineJob, defineRegistry } from '@conveyor/core';
import {
  connectRedis,
  deletePrefix,
  keysUnder,
  uniquePrefix,
} from '@conveyor/testkit';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { z } from 'zod';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
  type Keyspace,
} from '../../src/index.ts';

const fair = defineJob({
  name: 'fc.fair',
  queue: 'fcq',
  input: z.strictObject({ n: z.number() }),
  flow: { fairShare: true },
});
const keyed = defineJob({
  name: 'fc.keyed',
  queue: 'fcq',
  input: z.strictObject({ user: z.string(), n: z.number() }),
  flow: { key: (input) => input.user, concurrency: 2 },
  defaults: { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
});
const rated = defineJob({
  name: 'fc.rated',
  queue: 'fcq',
  input: z.strictObject({ n: z.number() }),
  flow: { rateLimit: { max: 3, per: '1s' } },
});
export const registry = defineRegistry([fair, keyed, rated], {
  queues: { fcq: { globalConcurrency: 50 } },
});

const cleanup: (() => Promise<void> | void)[] = [];
/** Runs the cleanup steps the harnesses registered (call from afterEach). */
export async function cleanUp(): Promise<void> {
  for (const step of cleanup.splice(0).reverse()) await step();
}

interface Started {
  name: string;
  tenant: string;
  key: string;
  n: number;
  at: number;
}

export function harness(redisUrl: string, concurrency: number) {
  const prefix = uniquePrefix('flow');
  const keys = createKeyspace(prefix);
  const redis = connectRedis(redisUrl, { maxRetriesPerRequest: null });
  const started: Started[] = [];
  const running = new Map<string, number>();
  let overLimit = 0;
  let failOnce = true;
  const producers = new Map<string, ReturnType<typeof createProducer>>();
  const producer = (tenant: string) => {
    let found = producers.get(tenant);
    if (!found) {
      found = createProducer({ registry, tenantId: tenant, redis, keys });
      producers.set(tenant, found);
    }
    return found;
  };
  const pool = createWorkerPool({
    registry,
    redis,
    keys,
    concurrency,
    logger: pino({ level: 'silent' }),
    processors: {
      'fc.fair': async ({ n }, { tenantId }) => {
        started.push({
          name: 'fc.fair',
          tenant: tenantId,
          key: String(n),
          n,
          at: Date.now(),
        });
        await new Promise((r) => setTimeout(r, 2));
      },
      'fc.keyed': async ({ user, n }, { tenantId }) => {
        const slot = `${tenantId}:${user}`;
        const now = (running.get(slot) ?? 0) + 1;
        running.set(slot, now);
        if (now > 2) overLimit += 1;
        started.push({
          name: 'fc.keyed',
          tenant: tenantId,
          key: user,
          n,
          at: Date.now(),
        });
        await new Promise((r) => setTimeout(r, 5));
        running.set(slot, (running.get(slot) ?? 1) - 1);
        if (failOnce) {
          failOnce = false;
          throw new Error('first attempt fails');
        }
      },
      'fc.rated': ({ n }, { tenantId }) => {
        started.push({
          name: 'fc.rated',
          tenant: tenantId,
          key: String(n),
          n,
          at: Date.now(),
        });
        return Promise.resolve();
      },
    },
  });
  cleanup.push(async () => {
    await pool.close();
    for (const p of producers.values()) await p.close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });
  return { keys, redis, pool, producer, started, overLimit: () => overLimit };
}

export async function flowKeys(redis: Redis, keys: Keyspace, what: string) {
  const under = `${keys.flowPrefix('fcq')}${what}`;
  return (await keysUnder(redis, keys.prefix)).filter((k) =>
    k.startsWith(under),
  );
}
