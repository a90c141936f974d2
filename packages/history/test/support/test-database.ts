import { createTestDatabase } from '@conveyor/testkit';
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

export { createTestDatabase };

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
