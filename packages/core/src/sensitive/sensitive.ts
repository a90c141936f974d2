import { z } from 'zod';

/** The metadata key that marks a schema sensitive (also visible in the catalog's JSON Schema). */
export const SENSITIVE_META_KEY = 'conveyorSensitive';

/**
 * Marks a field sensitive: Conveyor stores and sends it encrypted
 * (Redis, history, outbox, dead letters, webhook bodies) and shows it
 * redacted to callers not allowed to see it, while the processor receives
 * the plain value. The type is the schema's own: nothing changes for
 * callers.
 *
 * ```ts
 * input: z.object({ to: sensitive(z.string()), body: z.string() })
 * ```
 */
export function sensitive<TSchema extends z.ZodType>(schema: TSchema): TSchema {
  // Zod's global registry, not a module-level set: a schema marked by one
  // copy of this package is still seen as marked by another.
  return schema.meta({ [SENSITIVE_META_KEY]: true });
}

/** Whether this very schema (not a wrapper around it) carries the mark. */
export function isSensitive(schema: z.ZodType): boolean {
  return z.globalRegistry.get(schema)?.[SENSITIVE_META_KEY] === true;
}
