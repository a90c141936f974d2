import { pino, type Logger } from 'pino';
import type { IsolatedStart } from './isolated-protocol.ts';

/**
 * The logger an isolated processor is handed. Each line is written to stdout
 * before the call returns: the main thread terminates the thread as soon as
 * the attempt ends (or times out), and pino's default destination writes from
 * libuv's thread pool, where a write still queued at termination is dropped.
 * A full pipe makes the write wait here, in the processor's own thread, never
 * in the main thread that renews the job's lock.
 */
export function createIsolatedLogger(log: IsolatedStart['log']): Logger {
  return pino(
    { level: log.level },
    pino.destination({ fd: 1, sync: true }),
  ).child({ ...log.bindings, isolated: true });
}
