import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * A database of its own on a test PostgreSQL (history's tables have fixed
 * names, so suites sharing a server each need one): created empty,
 * dropped (connections and all) by `drop`.
 */
export async function createTestDatabase(serverUrl: string): Promise<{
  url: string;
  drop(): Promise<void>;
}> {
  const name = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => run(`drop database if exists ${name} with (force)`),
  };
}
