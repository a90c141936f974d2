import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines to stdout, synchronously (nothing lost on `process.exit`). */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level });
}
