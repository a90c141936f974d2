import { createConveyorClient, isConveyorError } from '@conveyor/client';
import {
  deletePrefix,
  getFreePort,
  spawnTsProcess,
  startStallProxy,
  uniquePrefix,
  waitFor,
  type StallProxy,
  type TsProcess,
} from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { FixtureRouter } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const main = fileURLToPath(new URL('fixtures/fixture-api.ts', import.meta.url));
/** Far above the enqueue deadline (1.5 s) and readiness's (1 s): an answer, never a hang. */
const ANSWER_BOUND_MS = 10_000;

async function readyz(url: string): Promise<number> {
  const res = await fetch(`${url}/readyz`, {
    signal: AbortSignal.timeout(ANSWER_BOUND_MS),
  });
  return res.status;
}

/**
 * A network partition between an API process and Redis, as a TCP proxy
 * that stops forwarding without closing anything (every connection, new
 * ones too): enqueues are answered 503 within the enqueue deadline, never
 * held; /readyz is 503; once the network heals the API is ready again by
 * itself and a retry with the same idempotency key leads to one job.
 */
describe('stalled network between the API and Redis (API in its own process)', () => {
  const prefix = uniquePrefix('apipartition');
  let api: TsProcess | undefined;
  let proxy: StallProxy | undefined;
  afterAll(async () => {
    await api?.stop();
    await proxy?.close();
    await deletePrefix(redisUrl, prefix);
  });

  it('answers 503 within its deadline, is unready, recovers by itself, and the retried key makes one job', async () => {
    const { hostname, port: redisPort } = new URL(redisUrl);
    proxy = await startStallProxy({
      target: { host: hostname, port: Number(redisPort) },
    });
    const port = await getFreePort();
    const { CONVEYOR_ADMIN_TOKEN: _none, ...env } = process.env;
    api = spawnTsProcess(main, {
      env: {
        ...env,
        REDIS_URL: proxy.url,
        CONVEYOR_PREFIX: prefix,
        API_PORT: String(port),
        LOG_LEVEL: 'warn',
      },
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      () =>
        readyz(url).then(
          (s) => (s === 200 ? true : undefined),
          () => undefined,
        ),
      60_000,
      'the API ready',
    );
    const client = createConveyorClient<FixtureRouter>({
      url: `${url}/trpc`,
      enqueueRetries: 0,
    });
    await client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'warm-up' },
    });
    const request = {
      name: 'TEST_JOB' as const,
      data: { message: 'during the partition' },
      options: { idempotencyKey: 'partition-1' },
    };

    const stalledAt = Date.now();
    proxy.stall({ newConnections: true });
    const error = await client.enqueue.mutate(request).catch((e: unknown) => e);
    const answerMs = Date.now() - stalledAt;
    expect(isConveyorError(error) && error.data?.httpStatus).toBe(503);
    const reason = isConveyorError(error) ? error.data?.reason : undefined;
    expect(['OUTCOME_UNKNOWN', 'QUEUE_UNAVAILABLE']).toContain(reason);
    expect(answerMs).toBeLessThan(ANSWER_BOUND_MS);
    await waitFor(
      async () => ((await readyz(url)) === 503 ? true : undefined),
      60_000,
      '/readyz 503',
    );
    const unreadyMs = Date.now() - stalledAt;

    const healedAt = Date.now();
    proxy.heal();
    await waitFor(
      async () => ((await readyz(url)) === 200 ? true : undefined),
      60_000,
      '/readyz 200 after healing',
    );
    const readyAgainMs = Date.now() - healedAt;
    const retried = await waitFor(
      () => client.enqueue.mutate(request).catch(() => undefined),
      60_000,
      'the retry with the key answered',
    );
    expect((await client.enqueue.mutate(request)).id).toBe(retried.id);
    const page = await client.jobs.list.query({ limit: 100 });
    const same = page.items.filter(
      (j) => j.name === 'TEST_JOB' && j.data?.message === request.data.message,
    );
    expect(same.map((j) => j.id)).toEqual([retried.id]);
    console.log(
      'partition-figures',
      JSON.stringify({
        case: 'api',
        answer: reason,
        answerMs,
        unreadyMs,
        readyAgainMs,
        jobs: same.length,
      }),
    );
  }, 120_000);
});
