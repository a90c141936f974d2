import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Loads the repository's `.env` (if any) into this process, which passes it
 * on to the services it starts. Variables already set win: the shell can
 * always override the file. Production reads the real environment only.
 */
export function loadDotEnv(): void {
  const path = fileURLToPath(new URL('../../../.env', import.meta.url));
  if (!existsSync(path)) return;
  const before = { ...process.env };
  process.loadEnvFile(path);
  Object.assign(process.env, before);
}
