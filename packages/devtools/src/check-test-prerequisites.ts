import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { missingTestPrerequisites } from './test-prerequisites.ts';

/**
 * `yarn test` runs this first: a missing redis-server, Chromium or Node
 * version is one line and a non-zero exit in a second, not a red suite
 * after many minutes.
 */
function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const onPath = (name: string) =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(isExecutable) ?? null;

const manifest = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as { engines: { node: string } };

const missing = missingTestPrerequisites({
  nodeVersion: process.versions.node,
  nodeRange: manifest.engines.node,
  redisServer: onPath('redis-server'),
  chromiumPath: process.env.CHROMIUM_PATH || undefined,
  isExecutable,
});
if (missing) {
  console.error(missing);
  process.exit(1);
}
