import type { z } from 'zod';

/**
 * Parses environment variables with a Zod schema. Services share it so both
 * fail the same way: one readable message naming each bad variable, never a
 * stack (`main` prints it and exits 1).
 */
export function readEnv<TSchema extends z.ZodType>(
  schema: TSchema,
  source: NodeJS.ProcessEnv,
): z.output<TSchema> {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((i) => `  ${i.path.join('.')}: ${i.message}`)
    .join('\n');
  throw new Error(`Invalid environment:\n${problems}`);
}
