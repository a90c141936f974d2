import type { z } from 'zod';
import { ZOD_WRAPPERS } from './zod-wrappers.ts';

/**
 * Rules a job's schemas must follow that TypeScript cannot check, enforced
 * when the job is defined (at module load), with a message naming the job
 * and the place in the schema:
 *
 * - **No transforms** (`.transform`, `z.preprocess`, codecs). A request is
 *   parsed once on the way in and stored as parsed; the worker checks stored
 *   data against the same schema (it may predate a schema change) and hands
 *   the processor the result, so parsing an already-parsed value must leave
 *   it unchanged: an arbitrary function (cents, +1) would be applied a second
 *   time. Idempotent normalisations (`trim`, `toLowerCase`, defaults,
 *   `z.coerce`) are fine; so must be any `.overwrite(fn)`.
 * - **No silently stripped fields.** A plain `z.object()` drops unknown keys,
 *   so a caller's typo would vanish in one place and fail in another. Use
 *   `z.strictObject()` (unknown keys rejected) or `z.looseObject()` (kept).
 */
export function assertSchemaRules(
  jobName: string,
  role: 'input' | 'result' | 'progress',
  schema: z.ZodType,
): void {
  const problem = findProblem(schema, [], new Set());
  if (problem) {
    const where = problem.path.length ? `.${problem.path.join('.')}` : '';
    throw new Error(`Job "${jobName}": ${role}${where} ${problem.message}`);
  }
}

type Node = { _zod: { def: Record<string, unknown> & { type: string } } };
type Problem = { path: string[]; message: string };

// The field wrappers, and the two whose inner schema is also the value's.
const INNER = [...ZOD_WRAPPERS, 'success', 'promise'];

function findProblem(
  schema: unknown,
  path: string[],
  seen: Set<unknown>,
): Problem | null {
  if (seen.has(schema)) return null;
  seen.add(schema);
  const def = (schema as Node)._zod.def;
  const at = (child: unknown, key?: string) =>
    findProblem(child, key === undefined ? path : [...path, key], seen);
  switch (def.type) {
    case 'transform':
      return {
        path,
        message:
          'uses a transform: it would run again when the worker checks stored data; use idempotent checks (trim, defaults) or convert in the processor',
      };
    case 'pipe':
      if (typeof def.transform === 'function')
        return at({ _zod: { def: { type: 'transform' } } });
      return at(def.in) ?? at(def.out);
    case 'object': {
      if (def.catchall === undefined)
        return {
          path,
          message:
            'is z.object(), which silently drops unknown fields; use z.strictObject() (rejected) or z.looseObject() (kept)',
        };
      const shape = def.shape as Record<string, unknown>;
      for (const [key, child] of Object.entries(shape)) {
        const found = at(child, key);
        if (found) return found;
      }
      return at(def.catchall);
    }
    case 'array':
      return at(def.element, '[]');
    case 'set':
      return at(def.valueType, '[]');
    case 'record':
    case 'map':
      return at(def.keyType, '{key}') ?? at(def.valueType, '{value}');
    case 'union':
      return firstProblem(def.options as unknown[], at);
    case 'intersection':
      return at(def.left) ?? at(def.right);
    case 'tuple':
      return (
        firstProblem(def.items as unknown[], at) ??
        (def.rest ? at(def.rest, '[]') : null)
      );
    case 'lazy':
      return at((def.getter as () => unknown)());
    default:
      return INNER.includes(def.type) ? at(def.innerType) : null;
  }
}

function firstProblem(
  children: unknown[],
  at: (child: unknown) => Problem | null,
): Problem | null {
  for (const child of children) {
    const found = at(child);
    if (found) return found;
  }
  return null;
}
