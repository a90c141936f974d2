/** What `yarn test` needs from the machine, as found by check-test-prerequisites.ts. */
export interface MachineFacts {
  /** `process.versions.node`, e.g. `20.19.0`. */
  nodeVersion: string;
  /** The lowest Node the repository supports (`engines.node`, e.g. `>=20.19`). */
  nodeRange: string;
  /** Where `redis-server` is on PATH, if it is. */
  redisServer: string | null;
  /** `CHROMIUM_PATH`, if set. */
  chromiumPath: string | undefined;
  /** Whether a path is an executable file. */
  isExecutable: (path: string) => boolean;
}

/** The browser the dashboard suite drives when CHROMIUM_PATH is not set (packages/server/test/dashboard.test.ts). */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * What is missing, as one line for the terminal, or null when nothing is.
 * redis-server is needed even with REDIS_URL: the cluster project and the
 * outage tests start their own.
 */
export function missingTestPrerequisites(facts: MachineFacts): string | null {
  const missing: string[] = [];
  const packages: string[] = [];
  if (!atLeast(facts.nodeVersion, facts.nodeRange))
    missing.push(
      `Node ${facts.nodeRange.replace(/^>=\s*/, '≥ ')} (this is ${facts.nodeVersion}; https://nodejs.org or \`nvm install 22\`)`,
    );
  if (!facts.redisServer) {
    missing.push('redis-server on PATH');
    packages.push('redis-server');
  }
  const chromium = facts.chromiumPath ?? DEFAULT_CHROMIUM;
  if (!facts.isExecutable(chromium)) {
    missing.push(
      facts.chromiumPath
        ? `Chromium at CHROMIUM_PATH=${chromium}`
        : `Chromium at ${DEFAULT_CHROMIUM} (or set CHROMIUM_PATH)`,
    );
    packages.push('chromium');
  }
  if (missing.length === 0) return null;
  const install = packages.length
    ? `; install with: sudo apt-get install ${packages.join(' ')} (macOS: brew install ${packages
        .map((p) => (p === 'redis-server' ? 'redis' : `--cask ${p}`))
        .join(' ')})`
    : '';
  return `yarn test needs ${missing.join(', ')}${install}`;
}

/** True when `version` satisfies a `>=major.minor[.patch]` range. */
export function atLeast(version: string, range: string): boolean {
  const parse = (text: string) =>
    text
      .replace(/^[^\d]*/, '')
      .split('.')
      .map((part) => Number.parseInt(part, 10) || 0);
  const have = parse(version);
  const need = parse(range);
  for (let i = 0; i < 3; i += 1) {
    const [a, b] = [have[i] ?? 0, need[i] ?? 0];
    if (a !== b) return a > b;
  }
  return true;
}
