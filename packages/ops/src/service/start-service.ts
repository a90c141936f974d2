import type { z } from 'zod';
import { createLogger, type Logger } from './create-logger.ts';
import { readEnv } from './read-env.ts';

/**
 * The start of every service's `main`: read the environment (a bad variable
 * prints one readable message and exits 1, never a stack), make the logger,
 * and log what would otherwise crash the process silently.
 */
export function startService<TSchema extends z.ZodType<{ LOG_LEVEL: string }>>(
  name: string,
  schema: TSchema,
  source: NodeJS.ProcessEnv = process.env,
): { env: z.output<TSchema>; logger: Logger } {
  let env: z.output<TSchema>;
  try {
    env = readEnv(schema, source);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const logger = createLogger(name, env.LOG_LEVEL);
  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled rejection'),
  );
  process.on('uncaughtException', (error) =>
    logger.error({ err: error }, 'uncaught exception'),
  );
  return { env, logger };
}

/** Runs `stop` once on the first SIGTERM or SIGINT; `again` on any later signal. */
export function onShutdownSignal(
  stop: (signal: NodeJS.Signals) => Promise<void>,
  again: (signal: NodeJS.Signals) => void = () => undefined,
): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return again(signal);
    stopping = true;
    void stop(signal);
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
