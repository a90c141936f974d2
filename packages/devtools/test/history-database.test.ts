import {
  createTestDatabase,
  findPostgresBinaries,
  reachableBinariesCopy,
  startPostgres,
} from '@conveyor/testkit';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveHistoryDatabase } from '../src/history-database.ts';
import { SystemError } from '../src/system-error.ts';

/** A checkout inside a folder only its owner may enter, as `/root/…` is for root. */
function privateCheckout(): { root: string; dispose: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'conveyor-private-home-'));
  chmodSync(home, 0o700);
  const root = join(home, 'checkout') + '/';
  mkdirSync(root);
  return {
    root,
    dispose: () => rmSync(home, { recursive: true, force: true }),
  };
}

describe('job history for a local run', () => {
  it('runs a real PostgreSQL for a checkout under a private (0700) folder, as root too', async () => {
    const checkout = privateCheckout();
    const messages: string[] = [];
    const choice = await resolveHistoryDatabase(
      (m) => messages.push(m),
      checkout.root,
      {},
    );
    try {
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/^Started PostgreSQL for job history/);
      expect(choice.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\//);
      // History really runs: a database is created and dropped there.
      const database = await createTestDatabase(choice.url ?? '');
      await database.drop();
      const dataDir = choice.server?.dataDir ?? '';
      if (userInfo().uid === 0) {
        // PostgreSQL runs as another user, who cannot enter the checkout.
        expect(dataDir.startsWith(checkout.root)).toBe(false);
        expect(messages[0]).toContain(`data in ${dataDir}`);
      } else {
        expect(dataDir).toBe(`${checkout.root}.data/postgres`);
      }
    } finally {
      await choice.server?.stop();
      if (choice.server && !choice.server.dataDir.startsWith(checkout.root))
        rmSync(dirname(choice.server.dataDir), {
          recursive: true,
          force: true,
        });
      checkout.dispose();
    }
  }, 120_000);

  it('says why in one line and runs without history when its PostgreSQL cannot start; HISTORY=on stops instead', async () => {
    const checkout = privateCheckout();
    // A second run on the same data directory: PostgreSQL refuses (its lock file).
    const first = await resolveHistoryDatabase(
      () => undefined,
      checkout.root,
      {},
    );
    try {
      const messages: string[] = [];
      const second = await resolveHistoryDatabase(
        (m) => messages.push(m),
        checkout.root,
        {},
      );
      expect(second).toEqual({});
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(
        /^Job history is off: the embedded PostgreSQL did not start: .*postmaster\.pid.* \(another `yarn start` uses its data\?\)/,
      );
      expect(messages[0]).not.toContain('\n');

      const error = await resolveHistoryDatabase(
        () => undefined,
        checkout.root,
        {
          HISTORY: 'on',
        },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SystemError);
      expect((error as Error).message).toMatch(
        /^Job history \(HISTORY=on\) is unavailable: the embedded PostgreSQL did not start: .*postmaster\.pid/,
      );
      expect((error as Error).message).not.toContain('\n');
    } finally {
      await first.server?.stop();
      if (first.server && !first.server.dataDir.startsWith(checkout.root))
        rmSync(dirname(first.server.dataDir), { recursive: true, force: true });
      checkout.dispose();
    }
  }, 120_000);

  it('runs PostgreSQL binaries that sit in a private (0700) checkout from a copy its user can reach', async () => {
    const checkout = privateCheckout();
    const version = `test-${process.pid}-${Date.now()}`;
    let copy: string | undefined;
    try {
      const installed = findPostgresBinaries();
      expect(installed).not.toBeNull();
      // The embedded package's tree as `yarn install` leaves it in a checkout under /root.
      const native = join(checkout.root, 'node_modules', 'native');
      cpSync(dirname(installed?.dir ?? ''), native, {
        recursive: true,
        verbatimSymlinks: true,
      });
      copy = reachableBinariesCopy(join(native, 'bin'), version);
      expect(copy.startsWith(checkout.root)).toBe(false);
      const server = await startPostgres({ binDir: copy });
      try {
        const database = await createTestDatabase(server.url);
        await database.drop();
      } finally {
        await server.dispose();
      }
    } finally {
      if (copy) rmSync(dirname(copy), { recursive: true, force: true });
      checkout.dispose();
    }
  }, 120_000);
});
