import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  atLeast,
  DEFAULT_CHROMIUM,
  missingTestPrerequisites,
  type MachineFacts,
} from '../src/test-prerequisites.ts';

const ready: MachineFacts = {
  nodeVersion: '20.19.0',
  nodeRange: '>=20.19',
  redisServer: '/usr/bin/redis-server',
  chromiumPath: undefined,
  isExecutable: (path) => path === DEFAULT_CHROMIUM,
};

describe('yarn test prerequisites', () => {
  it('a machine with Node ≥ 20.19, redis-server and Chromium is ready', () => {
    expect(missingTestPrerequisites(ready)).toBeNull();
    expect(
      missingTestPrerequisites({
        ...ready,
        chromiumPath: '/opt/chrome/chrome',
        isExecutable: (path) => path === '/opt/chrome/chrome',
      }),
    ).toBeNull();
  });

  it('names each missing part in one line, with the install command', () => {
    const line = missingTestPrerequisites({
      ...ready,
      redisServer: null,
      isExecutable: () => false,
    });
    expect(line).toBe(
      'yarn test needs redis-server on PATH, Chromium at /usr/bin/chromium (or set CHROMIUM_PATH); ' +
        'install with: sudo apt-get install redis-server chromium (macOS: brew install redis --cask chromium)',
    );
    expect(line).not.toContain('\n');
  });

  it('a CHROMIUM_PATH that is not there is named, not the default', () => {
    expect(
      missingTestPrerequisites({ ...ready, chromiumPath: '/nope/chrome' }),
    ).toContain('Chromium at CHROMIUM_PATH=/nope/chrome;');
  });

  it('an old Node is named with the version in use', () => {
    expect(missingTestPrerequisites({ ...ready, nodeVersion: '20.18.3' })).toBe(
      'yarn test needs Node ≥ 20.19 (this is 20.18.3; https://nodejs.org or `nvm install 22`)',
    );
  });

  it('compares versions part by part', () => {
    expect(atLeast('20.19.0', '>=20.19')).toBe(true);
    expect(atLeast('22.0.0', '>=20.19')).toBe(true);
    expect(atLeast('20.9.0', '>=20.19')).toBe(false);
    expect(atLeast('18.20.4', '>=20.19')).toBe(false);
  });

  it('the check exits non-zero with one line when something is missing', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'),
        fileURLToPath(
          new URL('../src/check-test-prerequisites.ts', import.meta.url),
        ),
      ],
      {
        env: { ...process.env, CHROMIUM_PATH: '/nowhere/chromium' },
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringContaining('Chromium at CHROMIUM_PATH=/nowhere/chromium'),
    ]);
  });
});
