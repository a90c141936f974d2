import {
  decodeEnvelope,
  tenantScheduleId,
  type AnyRegistry,
} from '@conveyor/core';
import { versionedV1Registry, versionedV2Registry } from '@conveyor/fixtures';
import { createKeyspace } from '@conveyor/queue';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, expect, inject, it } from 'vitest';
import { ScheduleStore } from '../src/index.ts';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('schedule-versions');
const keys = createKeyspace(prefix);
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const queues = new Map<string, Queue>();
const queue = (name: string) => {
  const made =
    queues.get(name) ??
    new Queue(name, { connection: redis, prefix: keys.bullPrefix(name) });
  queues.set(name, made);
  return made;
};
const storeOf = (registry: AnyRegistry) =>
  new ScheduleStore(redis, keys, registry, queue);

afterEach(async () => {
  for (const made of queues.values()) await made.close();
  await deletePrefix(redisUrl, prefix);
});

it('an older release resuming a schedule a newer one stored keeps its data and version', async () => {
  await storeOf(versionedV2Registry).upsert(
    'acme',
    {
      name: 'daily',
      job: 'notice.send',
      data: { to: 'ann', text: 'hi', locale: 'fr' },
      every: '1h',
    },
    null,
  );
  await storeOf(versionedV2Registry).setPaused('acme', 'daily', true);
  // A v1 API instance, still serving during the rolling deploy, resumes it.
  await storeOf(versionedV1Registry).setPaused('acme', 'daily', false);
  const id = tenantScheduleId('acme', 'daily');
  const raw = await redis.hget(keys.bull('versioned', `repeat:${id}`), 'data');
  const template = decodeEnvelope(JSON.parse(raw ?? 'null'));
  // Never stamped with a version it was not written with: v2 workers run it.
  expect(template.version).toBe(2);
  expect(template.payload).toEqual({ to: 'ann', text: 'hi', locale: 'fr' });
});
