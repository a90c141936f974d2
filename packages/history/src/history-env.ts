import { z } from 'zod';

/**
 * The history settings both services read (spread into their env
 * schemas). History is on iff `HISTORY` is not `off` and `DATABASE_URL` is
 * set; each service says at start which, and why.
 */
export const HistoryEnvShape = {
  /** `postgres://user:password@host:port/database`; empty or unset: no history. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** `off`: no job history even with a DATABASE_URL. */
  HISTORY: z.enum(['on', 'off']).default('on'),
  /** Days a finished job's history is kept (the workers trim hourly). */
  HISTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
};
