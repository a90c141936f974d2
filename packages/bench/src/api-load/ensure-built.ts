import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CONVEYOR_MAIN } from './server-process.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Scenario 2 runs the production `dist`. `yarn build` (`tsc -b`) is
 * incremental, so running it here costs about a second when nothing changed,
 * and a `dist` older than the sources is rebuilt before it is measured. A
 * build that fails leaves the last `dist`: measured, with a warning.
 */
export function ensureApiBuilt(log: (message: string) => void): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(
    process.execPath,
    [tsc, '-b', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  const output = `${build.stdout}${build.stderr}`.trim();
  if (!existsSync(CONVEYOR_MAIN))
    return Promise.reject(
      new Error(
        `scenario 2 needs the built API (${CONVEYOR_MAIN}); \`yarn build\` failed:\n${output}`,
      ),
    );
  if (build.status !== 0)
    log(
      `  WARNING: \`yarn build\` failed, so scenario 2 measures the last dist, which may be stale:\n${output.split('\n').slice(0, 5).join('\n')}`,
    );
  return Promise.resolve();
}
