import {
  fixtureRegistry as registry,
  type FixtureRegistry,
} from '@conveyor/fixtures';
import { LOCAL_PRINCIPAL } from '../src/auth/principal.ts';
import { createInProcessClient } from '../src/in-process-client.ts';
import { composeConveyor, type Conveyor } from '../src/compose-conveyor.ts';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import {
  createKeyspace,
  createRedisClient,
  createWorkerPool,
} from '@conveyor/queue';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isConveyorError } from '@conveyor/client';
import { startHarness, type Harness } from './support/harness.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';
import type { FixtureClient } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const silent = pino({ level: 'silent' });

/**
 * A service that enqueues in-process and one that calls the API over HTTP
 * write the same code: only the line creating the client differs.
 */
async function scenario(client: FixtureClient) {
  const { id, name } = await client.enqueue.mutate({
    name: 'TEST_JOB',
    data: { message: 'from a service' },
  });
  const done = await waitFor(async () => {
    const job = await client.jobs.get.query({ id });
    return job.state === 'completed' ? job : undefined;
  });
  const invalid = await client.enqueue
    .mutate({ name: 'sms.send', data: { to: 'x', message: 'y' } })
    .catch((e: unknown) => e);
  return {
    name,
    state: done.state,
    attemptsMade: done.attemptsMade,
    result: done.result,
    invalidCode: isConveyorError(invalid)
      ? invalid.data?.code
      : 'not a Conveyor error',
  };
}

describe('service-to-service: in-process and remote clients are interchangeable', () => {
  let remote: Harness;
  let system: Conveyor<FixtureRegistry>;
  let prefix: string;
  let workerRedis: Redis;
  let pool: ReturnType<typeof createWorkerPool>;

  beforeAll(async () => {
    remote = await startHarness(redisUrl, { processors: scriptedProcessors() });
    prefix = uniquePrefix('inproc');
    // Composed as the standalone server and the plugin are.
    system = composeConveyor({
      registry,
      redis: createRedisClient(redisUrl, { preset: 'api' }),
      logger: silent,
      prefix,
    });
    workerRedis = createRedisClient(redisUrl, { preset: 'worker' });
    pool = createWorkerPool({
      registry,
      processors: scriptedProcessors(),
      redis: workerRedis,
      logger: silent,
      keys: createKeyspace(prefix),
    });
    await pool.ready();
  });
  afterAll(async () => {
    await pool.close();
    workerRedis.disconnect();
    await system.close();
    await deletePrefix(redisUrl, prefix);
    await remote.close();
  });

  it('gives the same results, validation and errors either way', async () => {
    const inProcess = createInProcessClient(system.deps, LOCAL_PRINCIPAL);
    const local = await scenario(inProcess);
    const overHttp = await scenario(remote.client);
    expect(local).toEqual({
      name: 'TEST_JOB',
      state: 'completed',
      attemptsMade: 1,
      result: { echoed: 'from a service' },
      invalidCode: 'BAD_REQUEST',
    });
    expect(overHttp).toEqual(local);
  });
});
