import {
  startRedisSentinelGroup,
  waitFor,
  type RedisSentinelGroup,
} from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisClient, duplicateRedis } from '../src/index.ts';

/**
 * A Sentinel address through createRedisClient: connections (and their
 * duplicates, as BullMQ's blocking reads use) reach the primary, and after
 * a manual failover (the old primary demoted to a replica, still up and
 * answering READONLY) writes reach the new primary.
 */
describe('a Sentinel address', () => {
  let group: RedisSentinelGroup | undefined;
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await group?.stop();
  });

  it('connects to the primary, and follows a failover to the promoted replica', async () => {
    const g = (group = await startRedisSentinelGroup());
    const api = createRedisClient(g.address, { preset: 'api' });
    const worker = createRedisClient(g.address, { preset: 'worker' });
    const blocking = duplicateRedis(worker, { maxRetriesPerRequest: null });
    clients.push(api, worker, blocking);
    await waitFor(
      async () =>
        (await api.ping().catch(() => '')) === 'PONG' ? true : undefined,
      30_000,
      'the api connection to be ready',
    );
    for (const client of [api, worker, blocking])
      expect(await client.set('before', '1')).toBe('OK');
    const port = async (client: Redis) =>
      Number(/tcp_port:(\d+)/.exec(await client.info('server'))?.[1]);
    expect(await port(blocking)).toBe(g.primary.port);

    const sentinel = new Redis(g.sentinels[0]?.url ?? '');
    clients.push(sentinel);
    await sentinel.call('SENTINEL', 'FAILOVER', g.name);
    await waitFor(
      async () =>
        (await g.currentPrimaryPort()) !== g.primary.port ? true : undefined,
      30_000,
      'the Sentinels to promote a replica',
    );
    const promoted = await g.currentPrimaryPort();
    // Until the old primary is demoted it still takes writes (and loses
    // them): what replicated acknowledgements are for. Once it is a replica
    // it answers READONLY, and the connections move on.
    const old = new Redis(g.primary.url);
    clients.push(old);
    await waitFor(
      async () =>
        /role:slave/.test(await old.info('replication')) ? true : undefined,
      30_000,
      'the old primary to be demoted',
    );
    for (const client of [api, worker, blocking])
      await waitFor(
        async () =>
          (await client.set('after', '1').catch(() => null)) === 'OK'
            ? true
            : undefined,
        30_000,
        'a write after the failover',
      );
    for (const client of [api, worker, blocking])
      expect(await port(client)).toBe(promoted);
  }, 90_000);
});
