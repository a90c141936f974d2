import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where `yarn start` writes its local admin token (packages/devtools). */
const LOCAL_TOKEN_FILE = join('.data', 'admin-token');

/**
 * The token the CLI sends: `CONVEYOR_TOKEN`; else, for an API on this
 * machine only, the local admin token that `yarn start` wrote in the
 * repository the CLI runs from (found from the working directory upwards).
 * A remote API never gets a token that was not given explicitly.
 */
export function findToken(
  url: string,
  env: NodeJS.ProcessEnv,
  cwd = process.cwd(),
): string | undefined {
  if (env.CONVEYOR_TOKEN) return env.CONVEYOR_TOKEN;
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) return undefined;
  for (let dir = cwd; ; dir = dirname(dir)) {
    const file = join(dir, LOCAL_TOKEN_FILE);
    if (existsSync(file)) return readFileSync(file, 'utf8').trim() || undefined;
    if (dirname(dir) === dir) return undefined;
  }
}
