import { isConveyorError } from '@conveyor/client';
import { DEFAULT_TENANT, encodeEnvelope } from '@conveyor/core';
import {
  versionedV1Registry,
  versionedV2Registry,
  versionedV2WithoutUpcasterRegistry,
} from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
} from '@conveyor/queue';
import {
  applyTransitions,
  HistoryStore,
  openHistoryDatabase,
  transitionId,
} from '@conveyor/history';
import {
  createTestDatabase,
  deletePrefix,
  uniquePrefix,
} from '@conveyor/testkit';
import { pino } from 'pino';
import superjson from 'superjson';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkStoredCompatibility } from '../src/index.ts';
import { startRegistryApi } from './support/registry-api.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');
const adminToken = randomBytes(32).toString('base64url');

describe('compat: stored input versions against a contract', () => {
  const prefix = uniquePrefix('compat');
  const redis = createRedisClient(redisUrl, { preset: 'worker' });

  beforeAll(async () => {
    // What a v1 release left behind: waiting jobs, and a tenant's API schedule.
    const v1 = createProducer({
      registry: versionedV1Registry,
      tenantId: DEFAULT_TENANT,
      redis,
      keys: createKeyspace(prefix),
    });
    for (const to of ['a', 'b', 'c'])
      await v1.enqueue({ name: 'notice.send', data: { to, body: 'hello' } });
    await v1.close();
    await redis.hset(
      createKeyspace(prefix).schedules('acme'),
      'daily',
      JSON.stringify({
        name: 'daily',
        job: 'notice.send',
        timing: { everyMs: 86_400_000 },
        data: encodeEnvelope({ to: 'd', body: 'daily' }, { tenantId: 'acme' }),
        missed: 'run-once',
        paused: true,
        createdAt: 0,
        updatedAt: 0,
      }),
    );
  });
  afterAll(async () => {
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });

  it('a v2 contract with its upcaster reads every v1 payload: ok', async () => {
    const api = await startRegistryApi(redisUrl, {
      registry: versionedV2Registry,
      prefix,
      adminToken,
    });
    try {
      const admin = api.clientWith(adminToken);
      const inventory = await admin.compat.inventory.query();
      expect(
        inventory.groups.map((g) => [g.job, g.version, g.place, g.count]),
      ).toEqual([
        ['notice.send', 1, 'schedule', 1],
        ['notice.send', 1, 'waiting', 3],
      ]);
      const report = await admin.compat.check.query();
      expect(report.ok).toBe(true);
      expect(report.findings.every((f) => f.checked > 0)).toBe(true);
    } finally {
      await api.close();
    }
  });

  it('a v2 contract without the upcaster: a problem naming notice.send version 1', async () => {
    const api = await startRegistryApi(redisUrl, {
      registry: versionedV2WithoutUpcasterRegistry,
      prefix,
      adminToken,
    });
    try {
      const report = await api.clientWith(adminToken).compat.check.query();
      expect(report.ok).toBe(false);
      const problems = report.findings.filter((f) => !f.ok);
      expect(problems.map((f) => [f.job, f.version, f.place])).toEqual([
        ['notice.send', 1, 'schedule'],
        ['notice.send', 1, 'waiting'],
      ]);
      expect(problems[0]?.problems.join(' ')).toMatch(/text/);
    } finally {
      await api.close();
    }
  });

  it('only an admin may read the inventory or run the check', async () => {
    const api = await startRegistryApi(redisUrl, {
      registry: versionedV2Registry,
      prefix,
      adminToken,
    });
    try {
      const { token } = await api
        .clientWith(adminToken)
        .tokens.create.mutate({ tenantId: 'acme', role: 'viewer' });
      const viewer = api.clientWith(token);
      for (const call of [
        viewer.compat.check.query(),
        viewer.compat.inventory.query(),
      ]) {
        const error = await call.catch((e: unknown) => e);
        expect(isConveyorError(error) ? error.data?.code : error).toBe(
          'FORBIDDEN',
        );
      }
    } finally {
      await api.close();
    }
  });

  it('with history on, the inventory adds what PostgreSQL holds', async () => {
    const database = await createTestDatabase(postgresUrl);
    const api = await startRegistryApi(redisUrl, {
      registry: versionedV2Registry,
      prefix,
      adminToken,
      historyUrl: database.url,
    });
    try {
      const history = await openHistoryDatabase({
        connectionString: database.url,
        logger: pino({ level: 'silent' }),
      });
      await applyTransitions(history.db, [
        {
          id: transitionId('old-1', 0, 0, 'enqueued'),
          jobId: 'old-1',
          tenantId: 'acme',
          name: 'notice.send',
          queue: 'versioned',
          run: 0,
          attempt: 0,
          type: 'enqueued',
          at: Date.now(),
          payload: superjson.serialize({ to: 'old', body: 'kept' }),
        },
      ]);
      // A CI's check reads the same database.
      const ci = await checkStoredCompatibility({
        registry: versionedV2WithoutUpcasterRegistry,
        redis,
        prefix,
        history: new HistoryStore(history.db),
      });
      expect(
        ci.findings.filter((f) => f.source === 'history' && !f.ok),
      ).toHaveLength(1);
      await history.close();
      const inventory = await api
        .clientWith(adminToken)
        .compat.inventory.query();
      expect(inventory.history).toBe(true);
      expect(
        inventory.groups
          .filter((g) => g.source === 'history')
          .map((g) => [g.job, g.version, g.place, g.count]),
      ).toEqual([['notice.send', 1, 'waiting', 1]]);
      expect((await api.clientWith(adminToken).compat.check.query()).ok).toBe(
        true,
      );
      // What the v2 API records of its own enqueues carries the version.
      await api.clientWith(adminToken).enqueue.mutate({
        name: 'notice.send',
        data: { to: 'new', text: 'v2' },
      });
      const outbox = await redis.xrange(
        createKeyspace(prefix).historyStream(),
        '-',
        '+',
      );
      const recorded = outbox.map(([, fields]) =>
        superjson.parse<{ type: string; payloadVersion?: number }>(
          fields[1] ?? '',
        ),
      );
      expect(recorded).toContainEqual(
        expect.objectContaining({ type: 'enqueued', payloadVersion: 2 }),
      );
    } finally {
      await api.close();
      await database.drop();
    }
  });

  it('checkStoredCompatibility: the same answer for a CI, without the API', async () => {
    const ok = await checkStoredCompatibility({
      registry: versionedV2Registry,
      redis,
      prefix,
    });
    expect(ok.ok).toBe(true);
    const broken = await checkStoredCompatibility({
      registry: versionedV2WithoutUpcasterRegistry,
      redis,
      prefix,
    });
    expect(broken.ok).toBe(false);
  });
});
