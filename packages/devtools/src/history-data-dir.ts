import { assertOwnedFolder, postgresServerUser } from '@conveyor/testkit';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the local PostgreSQL keeps its data: `.data/postgres` in the
 * checkout, unless PostgreSQL runs as another user (we are root) who cannot
 * enter the checkout (e.g. under `/root`, mode 0700). Then a folder of this
 * checkout's own (keyed by a hash of its path) under /var/tmp, which every
 * user may traverse and which survives reboots.
 */
export function historyDataDir(root: string): { dir: string; shown: string } {
  const inCheckout = join(root, '.data', 'postgres');
  const user = postgresServerUser();
  if (!user || canEnter(root, user))
    return { dir: inCheckout, shown: '.data/postgres' };
  const key = createHash('sha256').update(root).digest('hex').slice(0, 12);
  const base = existsSync('/var/tmp') ? '/var/tmp' : tmpdir();
  const folder = join(base, `conveyor-${key}`);
  mkdirSync(folder, { recursive: true });
  chmodSync(folder, 0o755); // whatever root's umask
  assertOwnedFolder(folder);
  const dir = join(folder, 'postgres');
  return { dir, shown: dir };
}

/** Path lookup needs search permission on every parent: ask as that user. */
function canEnter(dir: string, user: { uid: number; gid: number }): boolean {
  const probe = spawnSync('test', ['-x', dir], { ...user, stdio: 'ignore' });
  return probe.status === 0;
}
