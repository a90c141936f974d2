import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  openHistoryDatabase,
  type HistoryDatabaseHandle,
  type HistoryLogger,
} from '../../src/index.ts';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  msg: string;
}

/** A logger that keeps what it is told, for assertions on what was logged. */
export function captureLogger(): HistoryLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (...args: unknown[]) => {
      const msg = args.find((a) => typeof a === 'string');
      lines.push({ level, msg: typeof msg === 'string' ? msg : '' });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * A database of its own on the test PostgreSQL (history's tables have
 * fixed names): created empty, dropped after.
 */
export async function createTestDatabase(serverUrl: string): Promise<{
  url: string;
  drop(): Promise<void>;
}> {
  const name = `history_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A migrated history database, dropped by `close`. */
export async function openTestHistory(
  serverUrl: string,
): Promise<HistoryDatabaseHandle & { url: string }> {
  const database = await createTestDatabase(serverUrl);
  const handle = await openHistoryDatabase({
    connectionString: database.url,
    logger: captureLogger(),
  });
  return {
    ...handle,
    url: database.url,
    async close() {
      await handle.close();
      await database.drop();
    },
  };
}
