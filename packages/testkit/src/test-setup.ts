import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServerHandle } from './postgres-server.ts';
import {
  findRedisServer,
  startRedisServer,
  type RedisServerHandle,
} from './redis-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** A PostgreSQL the suites may create databases in (see `createTestDatabase` in @conveyor/history's tests). */
    postgresUrl: string;
  }
}

/**
 * Vitest global setup: every suite talks to a real redis-server. Uses
 * REDIS_URL when given, otherwise starts a throwaway one on a free loopback
 * port (no persistence) and stops it after the run. The same for
 * PostgreSQL: DATABASE_URL when given, otherwise a private one (about 1 s
 * to initialise and start; see startPostgres).
 */
export default async function setup(
  project: TestProject,
): Promise<() => Promise<void>> {
  let server: RedisServerHandle | undefined;
  let url = process.env.REDIS_URL;
  if (!url) {
    if (!findRedisServer()) {
      throw new Error(
        'The tests need Redis: install redis-server (Debian/Ubuntu: apt-get install redis-server; ' +
          'macOS: brew install redis) or set REDIS_URL to a Redis they may write to.',
      );
    }
    server = await startRedisServer();
    url = server.url;
  }
  project.provide('redisUrl', url);
  let postgres: PostgresServerHandle | undefined;
  let postgresUrl = process.env.DATABASE_URL;
  if (!postgresUrl) {
    postgres = await startPostgres().catch(async (error: unknown) => {
      await server?.stop();
      throw error;
    });
    postgresUrl = postgres.url;
  }
  project.provide('postgresUrl', postgresUrl);
  return async () => {
    await server?.stop();
    await postgres?.dispose();
  };
}
