import { pino, type Logger } from 'pino';
import { turnBatchedDestination } from './turn-batched-destination.ts';

export type { Logger };

/**
 * JSON lines to stdout, written once per event-loop turn and, whatever is
 * pending, when the process exits (`process.exit` included).
 */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level }, turnBatchedDestination(1));
}
