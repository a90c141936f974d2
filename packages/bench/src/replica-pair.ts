import {
  startRedisReplica,
  startRedisServer,
  type RedisServerHandle,
} from '@conveyor/testkit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReplicaPair {
  primary: RedisServerHandle;
  replica: RedisServerHandle;
  /** SIGTERM to both; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A primary and one replica of it (`--replicaof`), each its own
 * `redis-server` on a free loopback port, returned once the replication
 * link is up: before that, `WAIT 1` would only time out.
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
    replica = await startRedisReplica(primary, { args: ['--dir', dir] });
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
