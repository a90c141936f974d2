import { Redis } from 'ioredis';
import { waitFor } from './helpers.ts';
import {
  startRedisServer,
  type RedisServerHandle,
  type RedisServerOptions,
} from './redis-server.ts';

/** A replica of `primary`, returned once its link is up and the primary counts it. */
export async function startRedisReplica(
  primary: RedisServerHandle,
  options: RedisServerOptions = {},
): Promise<RedisServerHandle> {
  const replica = await startRedisServer({
    ...options,
    args: [
      '--replicaof',
      '127.0.0.1',
      String(primary.port),
      ...(options.args ?? []),
    ],
  });
  const link = new Redis(replica.url, { maxRetriesPerRequest: 1 });
  try {
    await waitFor(
      async () =>
        /master_link_status:up/.test(await link.info('replication'))
          ? true
          : undefined,
      30_000,
      'the replica to sync with its primary',
    );
  } catch (error) {
    await replica.stop();
    throw error;
  } finally {
    link.disconnect();
  }
  return replica;
}

/**
 * Stops the replica's process (SIGSTOP) without closing its socket: the
 * primary keeps it as a replica that never acknowledges. `resume` undoes it.
 */
export function freezeRedis(server: RedisServerHandle): { resume(): void } {
  server.process.kill('SIGSTOP');
  return { resume: () => void server.process.kill('SIGCONT') };
}
