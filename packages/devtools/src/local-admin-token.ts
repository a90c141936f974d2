import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where `yarn start` keeps the local admin token; the CLI looks for it here too. */
export const LOCAL_TOKEN_FILE = '.data/admin-token';

/**
 * The admin token for a local run: `CONVEYOR_ADMIN_TOKEN` if set; else the
 * one an earlier `yarn start` wrote to `.data/admin-token`; else a new random
 * one written there (readable by this user only). With it the local API runs
 * exactly as in production: every call needs a token.
 */
export function localAdminToken(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): { token: string; source: 'env' | 'file' | 'new'; file: string } {
  const file = `${root}${LOCAL_TOKEN_FILE}`;
  if (env.CONVEYOR_ADMIN_TOKEN)
    return { token: env.CONVEYOR_ADMIN_TOKEN, source: 'env', file };
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved.length >= 32) return { token: saved, source: 'file', file };
  }
  const token = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, source: 'new', file };
}
