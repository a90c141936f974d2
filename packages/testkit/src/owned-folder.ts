import { lstatSync } from 'node:fs';

/**
 * Refuses a folder under a shared location (/var/tmp) that this user does
 * not own alone: another local user could have made it first, at a name we
 * can predict, and swap what we then chown or run as root.
 */
export function assertOwnedFolder(path: string): void {
  const stat = lstatSync(path);
  const uid = process.getuid?.();
  const ours = uid === undefined || stat.uid === uid;
  if (!stat.isDirectory() || !ours || (stat.mode & 0o022) !== 0) {
    throw new Error(
      `${path} is not a folder of this user's alone (another user made it?); remove it and retry`,
    );
  }
}
