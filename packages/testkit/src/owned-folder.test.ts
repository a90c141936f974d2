import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertOwnedFolder } from './owned-folder.ts';

describe('assertOwnedFolder', () => {
  const root = mkdtempSync(join(tmpdir(), 'owned-'));

  it('takes a folder of this user that nobody else may write', () => {
    const dir = join(root, 'ours');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    expect(() => assertOwnedFolder(dir)).not.toThrow();
  });

  it('refuses a folder others may write, and a file', () => {
    const open = join(root, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(() => assertOwnedFolder(open)).toThrow(/not a folder of this user/);
    const file = join(root, 'file');
    writeFileSync(file, '');
    expect(() => assertOwnedFolder(file)).toThrow(/not a folder of this user/);
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses, as root, a folder another user made',
    () => {
      const planted = join(root, 'planted');
      mkdirSync(planted);
      chmodSync(planted, 0o755);
      chownSync(planted, 65534, 65534);
      expect(() => assertOwnedFolder(planted)).toThrow(/another user made it/);
    },
  );
});
