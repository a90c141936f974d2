import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from './helpers.ts';
import {
  startRedisServer,
  type RedisServerHandle,
  type RedisServerOptions,
} from './redis-server.ts';

/**
 * A replica of `primary`, returned once its link is up and the primary
 * lists it online. Its sync snapshot goes to a folder of its own (removed
 * at stop), never the working directory.
 */
export async function startRedisReplica(
  primary: RedisServerHandle,
  options: RedisServerOptions = {},
): Promise<RedisServerHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-replica-'));
  const replica = await startRedisServer({
    ...options,
    args: [
      '--replicaof',
      '127.0.0.1',
      String(primary.port),
      '--dir',
      dir,
      ...(options.args ?? []),
    ],
  });
  const stop = async () => {
    await replica.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await synced(primary, replica);
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...replica, stop };
}

async function synced(
  primary: RedisServerHandle,
  replica: RedisServerHandle,
): Promise<void> {
  const onReplica = new Redis(replica.url, { maxRetriesPerRequest: 1 });
  const onPrimary = new Redis(primary.url, { maxRetriesPerRequest: 1 });
  const listed = `port=${replica.port},state=online`;
  try {
    await waitFor(
      async () =>
        /master_link_status:up/.test(await onReplica.info('replication')) &&
        (await onPrimary.info('replication')).includes(listed)
          ? true
          : undefined,
      30_000,
      'the replica to sync with its primary',
    );
  } finally {
    onReplica.disconnect();
    onPrimary.disconnect();
  }
}

/**
 * Stops the replica's process (SIGSTOP) without closing its socket: the
 * primary keeps it as a replica that never acknowledges. `resume` undoes it.
 */
export function freezeRedis(server: RedisServerHandle): { resume(): void } {
  server.process.kill('SIGSTOP');
  return { resume: () => void server.process.kill('SIGCONT') };
}
