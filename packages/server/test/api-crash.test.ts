import { createConveyorClient } from '@conveyor/client';
import {
  deletePrefix,
  getFreePort,
  spawnTsProcess,
  uniquePrefix,
  type TsProcess,
} from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { FixtureRouter } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const main = fileURLToPath(new URL('fixtures/fixture-api.ts', import.meta.url));

/**
 * The API process killed with kill -9 while enqueues are in flight, then
 * started again: the typed client retries what got no answer with its
 * idempotency keys, so every enqueue ends with exactly one job.
 */
describe('API kill -9 under load', () => {
  const prefix = uniquePrefix('apikill');
  const apis: TsProcess[] = [];
  afterAll(async () => {
    for (const api of apis) await api.stop();
    await deletePrefix(redisUrl, prefix);
  });

  it('every enqueue ends with exactly one job', async () => {
    const port = await getFreePort();
    const start = async () => {
      const { CONVEYOR_ADMIN_TOKEN: _none, ...env } = process.env;
      const api = spawnTsProcess(main, {
        env: {
          ...env,
          REDIS_URL: redisUrl,
          CONVEYOR_PREFIX: prefix,
          API_PORT: String(port),
          LOG_LEVEL: 'warn',
        },
      });
      apis.push(api);
      const url = `http://127.0.0.1:${port}`;
      // Generous: a tsx child compiles its sources first, slowly on a loaded
      // machine (a full run with other work on both cores took over 10 s).
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        if (
          await fetch(`${url}/readyz`).then(
            (r) => r.ok,
            () => false,
          )
        )
          return api;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the API did not start');
    };
    const api = await start();
    const client = createConveyorClient<FixtureRouter>({
      url: `http://127.0.0.1:${port}/trpc`,
      // 2 s apart once backed off: covers a restart as slow as start()'s deadline.
      enqueueRetries: 50,
    });
    const messages = Array.from({ length: 300 }, (_, i) => `order-${i}`);
    let killedAt = Infinity;
    let answeredBefore = 0;
    const sent = Promise.allSettled(
      messages.map(async (message) => {
        const job = await client.enqueue.mutate({
          name: 'TEST_JOB',
          data: { message },
        });
        if (Date.now() < killedAt) answeredBefore += 1;
        return job;
      }),
    );
    await new Promise((r) => setTimeout(r, 15));
    killedAt = Date.now();
    api.child.kill('SIGKILL');
    await api.exited;
    await start(); // the same port: the client's retries reach it
    const results = await sent;
    const failed = results.filter((r) => r.status === 'rejected').length;
    expect(failed).toBe(0);

    const perMessage = new Map<string, number>();
    let cursor: string | undefined;
    do {
      const page = await client.jobs.list.query({
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      for (const job of page.items)
        if (job.name === 'TEST_JOB' && job.data)
          perMessage.set(
            job.data.message,
            (perMessage.get(job.data.message) ?? 0) + 1,
          );
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(messages.filter((m) => perMessage.get(m) !== 1)).toEqual([]);
    expect(perMessage.size).toBe(300);
    // The kill must have caught enqueues in flight for this to mean anything.
    expect(answeredBefore).toBeLessThan(300);
    console.log(
      `API kill -9: ${answeredBefore} answered before the kill, ${300 - answeredBefore} after a retry; 0 lost, 0 duplicated`,
    );
  }, 240_000);
});
