import {
  checkCompatibility,
  decodeEnvelope,
  encodeEnvelope,
  tenantScheduleId,
  type AnyRegistry,
} from '@conveyor/core';
import { versionedV1Registry, versionedV2Registry } from '@conveyor/fixtures';
import { createKeyspace, readStoredVersions } from '@conveyor/queue';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import {
  afterAll,
  afterEach,
  beforeEach,
  describe,
  expect,
  inject,
  it,
} from 'vitest';
import {
  reconcileSchedules,
  ScheduleStore,
  storedScheduleItems,
} from '../src/index.ts';

const redisUrl = inject('redisUrl');
const logger = pino({ level: 'silent' });

describe('stored schedules upcast on reconcile', () => {
  let prefix = '';
  let keys = createKeyspace(prefix);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queues = new Map<string, Queue>();
  const queue = (name: string) => {
    const found =
      queues.get(name) ??
      new Queue(name, { connection: redis, prefix: keys.bullPrefix(name) });
    queues.set(name, found);
    return found;
  };
  const storeOf = (registry: AnyRegistry) =>
    new ScheduleStore(redis, keys, registry, queue);

  beforeEach(() => {
    prefix = uniquePrefix('upcast-schedules');
    keys = createKeyspace(prefix);
  });
  afterEach(async () => {
    for (const q of queues.values()) await q.close();
    queues.clear();
    await deletePrefix(redisUrl, prefix);
  });
  afterAll(() => redis.disconnect());

  it('a v1 API schedule is rewritten at v2 by a v2 start; one without a path is left as stored', async () => {
    // The v1 release: an API schedule (record and job scheduler).
    await storeOf(versionedV1Registry).upsert(
      'acme',
      {
        name: 'daily',
        job: 'notice.send',
        data: { to: 'ann', body: 'hi' },
        every: '1h',
      },
      null,
    );
    // A record whose data no longer fits even v1's schema: no path to v2.
    const broken = {
      name: 'broken',
      job: 'notice.send',
      timing: { everyMs: 3_600_000 },
      data: encodeEnvelope({ to: '', body: 'x' }, { tenantId: 'acme' }),
      missed: 'run-once',
      paused: true,
      createdAt: 0,
      updatedAt: 0,
    };
    await redis.hset(keys.schedules('acme'), 'broken', JSON.stringify(broken));

    // Read by v2 before any start reconciled it: shown upcast already.
    const early = await storeOf(versionedV2Registry).get('acme', 'daily');
    expect(early.data).toEqual({ to: 'ann', text: 'hi', locale: 'en' });

    // The v2 release starts (a worker or the API: both reconcile).
    await reconcileSchedules({
      registry: versionedV2Registry,
      redis,
      keys,
      logger,
    });

    const record = JSON.parse(
      (await redis.hget(keys.schedules('acme'), 'daily')) ?? 'null',
    ) as { data: unknown };
    expect(record.data).toMatchObject({ v: 1, pv: 2, tenantId: 'acme' });
    expect(decodeEnvelope(record.data).payload).toEqual({
      to: 'ann',
      text: 'hi',
      locale: 'en',
    });
    const templateKey = keys.bull(
      'versioned',
      `repeat:${tenantScheduleId('acme', 'daily')}`,
    );
    const template = JSON.parse(
      (await redis.hget(templateKey, 'data')) ?? 'null',
    ) as { tenantId?: string; missed?: string };
    expect(template).toMatchObject({
      pv: 2,
      tenantId: 'acme',
      missed: 'run-once',
    });
    expect(decodeEnvelope(template).payload).toEqual({
      to: 'ann',
      text: 'hi',
      locale: 'en',
    });
    expect(await redis.hget(keys.schedules('acme'), 'broken')).toBe(
      JSON.stringify(broken),
    );
    const view = await storeOf(versionedV2Registry).get('acme', 'daily');
    expect(view.data).toEqual({ to: 'ann', text: 'hi', locale: 'en' });

    // compat now sees the upcast schedules at v2, and the broken one as a problem.
    const inventory = await readStoredVersions({
      redis,
      keys,
      queues: versionedV2Registry.queues,
      extraReaders: [
        () => storedScheduleItems(redis, keys, versionedV2Registry),
      ],
    });
    const schedules = inventory.groups.filter((g) => g.place === 'schedule');
    expect(schedules.map((g) => [g.version, g.count])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const report = checkCompatibility(versionedV2Registry, inventory);
    const problems = report.findings.filter((f) => !f.ok);
    expect(problems.map((f) => [f.job, f.version, f.place])).toEqual([
      ['notice.send', 1, 'schedule'],
    ]);
  });

  it('a schedule the API writes now carries its job’s input version', async () => {
    await storeOf(versionedV2Registry).upsert(
      'acme',
      {
        name: 'hourly',
        job: 'notice.send',
        data: { to: 'bo', text: 'x', locale: 'de' },
        every: '1h',
      },
      null,
    );
    const record = JSON.parse(
      (await redis.hget(keys.schedules('acme'), 'hourly')) ?? 'null',
    ) as { data: { pv?: number } };
    expect(record.data.pv).toBe(2);
  });
});
