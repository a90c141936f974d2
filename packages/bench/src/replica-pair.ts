import { startRedisServer, type RedisServerHandle } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReplicaPair {
  primary: RedisServerHandle;
  replica: RedisServerHandle;
  /** SIGTERM to both; safe to call twice. */
  stop(): Promise<void>;
}

const LINK_DEADLINE_MS = 30_000;

/**
 * A primary and one replica of it (`--replicaof`), each its own
 * `redis-server` on a free loopback port, returned once the replication
 * link is up on both ends: before that, `WAIT 1` would only time out.
 */
export async function startReplicaPair(): Promise<ReplicaPair> {
  // A full sync writes the primary's snapshot to the replica's `dir`: a
  // folder of its own, not the working directory.
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-replica-pair-'));
  const primary = await startRedisServer({ args: ['--dir', dir] });
  let replica: RedisServerHandle | undefined;
  // Killed with this process even if the caller never gets to stop() (a
  // failed run exits at once): nothing outlives the bench.
  const killBoth = () => {
    primary.process.kill('SIGKILL');
    replica?.process.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killBoth);
  try {
    replica = await startRedisServer({
      args: ['--dir', dir, '--replicaof', '127.0.0.1', String(primary.port)],
    });
    await waitForLink(primary.url, replica.url);
  } catch (error) {
    killBoth();
    throw error;
  }
  const started = replica;
  return {
    primary,
    replica: started,
    stop: async () => {
      process.off('exit', killBoth);
      await Promise.all([started.stop(), primary.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForLink(primaryUrl: string, replicaUrl: string) {
  const primary = new Redis(primaryUrl);
  const replica = new Redis(replicaUrl);
  try {
    const deadline = Date.now() + LINK_DEADLINE_MS;
    for (;;) {
      const [onPrimary, onReplica] = await Promise.all([
        primary.info('replication'),
        replica.info('replication'),
      ]);
      if (
        /slave0:.*state=online/.test(onPrimary) &&
        /master_link_status:up\b/.test(onReplica)
      )
        return;
      if (Date.now() > deadline)
        throw new Error(
          `replica ${replicaUrl} did not link to ${primaryUrl} in ${LINK_DEADLINE_MS / 1_000} s`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    primary.disconnect();
    replica.disconnect();
  }
}
