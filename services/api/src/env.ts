import { readEnv, SharedEnvSchema } from '@conveyor/queue';
import { z } from 'zod';

/** The API's settings. The only file that reads `process.env`; `.env.example` documents each. */
export const ApiEnvSchema = SharedEnvSchema.extend({
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
});

export type ApiEnv = z.infer<typeof ApiEnvSchema>;

/** Throws a readable message (never a stack) naming each bad variable. */
export function readApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  return readEnv(ApiEnvSchema, source);
}
