import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

/** Set by the test run (vitest.config.ts): what the tests start never reads a developer's `.env`. */
export const DOTENV_SWITCH = 'CONVEYOR_DOTENV';

export interface DotEnvOptions {
  /** Default: the repository's `.env`. */
  path?: string;
  /** The environment to fill; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Loads the repository's `.env` (if any) into this process, which passes it
 * on to the services it starts. Variables already set win: the shell can
 * always override the file. Production reads the real environment only, and
 * so do the tests (`CONVEYOR_DOTENV=off`): a developer's `.env` may name
 * their own Redis. Returns whether a file was read.
 */
export function loadDotEnv(options: DotEnvOptions = {}): boolean {
  const env = options.env ?? process.env;
  if (env[DOTENV_SWITCH] === 'off') return false;
  const path =
    options.path ?? fileURLToPath(new URL('../../../.env', import.meta.url));
  if (!existsSync(path)) return false;
  for (const [name, value] of Object.entries(
    parseEnv(readFileSync(path, 'utf8')),
  ))
    if (env[name] === undefined) env[name] = value;
  return true;
}
