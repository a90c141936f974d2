import { readEnv } from '@conveyor/jobs';
import { z } from 'zod';

/** The API's settings. The only file that reads `process.env`; `.env.example` documents each. */
const EnvSchema = z.object({
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  CONVEYOR_PREFIX: z.string().min(1).default('conveyor'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});

export type ApiEnv = z.infer<typeof EnvSchema>;

/** Throws a readable message (never a stack) naming each bad variable. */
export function readApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  return readEnv(EnvSchema, source);
}
