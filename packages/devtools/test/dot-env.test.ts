import { spawnTsProcess } from '@conveyor/testkit';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DOTENV_SWITCH, loadDotEnv } from '../src/dot-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'conveyor-dotenv-'));
const dotEnv = join(dir, '.env');
// A developer's own Redis, somewhere the tests must never write.
writeFileSync(
  dotEnv,
  'REDIS_URL=redis://developer.invalid:6379\nREDIS_CLUSTER_NODES=developer.invalid:7000\n',
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIXTURE = fileURLToPath(
  new URL('fixtures/print-dot-env.ts', import.meta.url),
);

async function childSees(env: NodeJS.ProcessEnv) {
  const child = spawnTsProcess(FIXTURE, { args: [dotEnv], env });
  const line = await child.waitForLine((l) => l.record !== null);
  expect(await child.exited).toBe(0);
  return line.record;
}

describe('.env', () => {
  it('is read by `yarn start`/`yarn demo` outside the tests, the shell winning', () => {
    const env: NodeJS.ProcessEnv = { REDIS_URL: 'redis://shell:6379' };
    expect(loadDotEnv({ path: dotEnv, env })).toBe(true);
    expect(env).toEqual({
      REDIS_URL: 'redis://shell:6379',
      REDIS_CLUSTER_NODES: 'developer.invalid:7000',
    });
  });

  it('is off for the whole test run, so a child process a test starts ignores a .env naming another Redis', async () => {
    expect(process.env[DOTENV_SWITCH]).toBe('off');
    const {
      REDIS_URL: _url,
      REDIS_CLUSTER_NODES: _nodes,
      ...env
    } = process.env;
    expect(await childSees(env)).toEqual({
      read: false,
      REDIS_URL: null,
      REDIS_CLUSTER_NODES: null,
    });
    // The same child outside the test run does read it: the switch is what keeps it out.
    const { [DOTENV_SWITCH]: _switch, ...outside } = env;
    expect(await childSees(outside)).toEqual({
      read: true,
      REDIS_URL: 'redis://developer.invalid:6379',
      REDIS_CLUSTER_NODES: 'developer.invalid:7000',
    });
  });
});
