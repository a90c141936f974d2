import { DEFAULT_TENANT } from '@conveyor/core';
import { versionedV1Registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
} from '@conveyor/queue';
import {
  startRegistryApi,
  type RegistryApi,
} from '@conveyor/server/test-support';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './support/run-cli.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');
const CONTRACT = fileURLToPath(
  new URL('./fixtures/versioned-contract.ts', import.meta.url),
);

describe('conveyor compat', () => {
  const prefix = uniquePrefix('cli-compat');
  let api: RegistryApi;
  const conveyor = (args: string[]) =>
    runCli(args, `${api.apiUrl}/trpc`, { CONVEYOR_TOKEN: adminToken });

  beforeAll(async () => {
    // The running release is v1, with v1 jobs waiting.
    const redis = createRedisClient(redisUrl, { preset: 'worker' });
    const v1 = createProducer({
      registry: versionedV1Registry,
      tenantId: DEFAULT_TENANT,
      redis,
      keys: createKeyspace(prefix),
    });
    for (const to of ['a', 'b'])
      await v1.enqueue({ name: 'notice.send', data: { to, body: 'hi' } });
    await v1.close();
    redis.disconnect();
    api = await startRegistryApi(redisUrl, {
      registry: versionedV1Registry,
      prefix,
      adminToken,
    });
  });
  afterAll(async () => {
    await api.close();
    await deletePrefix(redisUrl, prefix);
  });

  it('the running contract reads what it stored: exit 0', async () => {
    const run = await conveyor(['compat']);
    expect(run.output).toMatch(/^Compatible/m);
    expect(run.code).toBe(0);
  });

  it('a next contract with its upcaster, checked before the deploy: exit 0', async () => {
    const run = await conveyor(['compat', '--contract', CONTRACT, '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.output) as { ok: boolean };
    expect(report.ok).toBe(true);
  });

  it('a next contract without the upcaster: exit 10, naming notice.send version 1', async () => {
    const run = await conveyor([
      'compat',
      '--contract',
      CONTRACT,
      '--export',
      'broken',
    ]);
    expect(run.output).toMatch(/Not compatible/);
    expect(run.output).toMatch(/notice\.send version 1: 2 waiting/);
    expect(run.code).toBe(10);
  });

  it('a module without that registry export is a usage error (exit 2)', async () => {
    const run = await conveyor([
      'compat',
      '--contract',
      CONTRACT,
      '--export',
      'notARegistry',
    ]);
    expect(run.output).toMatch(/no registry export named "notARegistry"/);
    expect(run.code).toBe(2);
  });
});
