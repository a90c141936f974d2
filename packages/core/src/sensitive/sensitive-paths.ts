import type { z } from 'zod';
import { isSensitive } from './sensitive.ts';

type Def = Record<string, unknown> & { type: string };
type Node = z.ZodType & { _zod: { def: Def } };

/** A path into a payload: object keys, and `*` for every element of an array. */
export type SensitivePath = readonly string[];

const WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'nonoptional',
  'readonly',
  'catch',
]);
const MAX_DEPTH = 8;

/**
 * Where a schema marks values `sensitive`: through objects, arrays, tuples
 * of one kind and unions (every member's paths; a path applies where the
 * value has it). A whole-payload mark is the empty path.
 */
export function sensitivePaths(schema: z.ZodType): SensitivePath[] {
  const out = new Map<string, SensitivePath>();
  collect(schema as Node, [], 0, out);
  return [...out.values()];
}

function collect(
  node: Node,
  path: string[],
  depth: number,
  out: Map<string, SensitivePath>,
): void {
  let current = node;
  for (let i = 0; i < 16; i++) {
    if (isSensitive(current)) {
      out.set(path.join('\u0000'), path);
      return;
    }
    if (!WRAPPERS.has(current._zod.def.type)) break;
    current = current._zod.def['innerType'] as Node;
  }
  if (depth >= MAX_DEPTH) return;
  const def = current._zod.def;
  if (def.type === 'object')
    for (const [key, child] of Object.entries(def['shape'] as object))
      collect(child as Node, [...path, key], depth + 1, out);
  else if (def.type === 'array')
    collect(def['element'] as Node, [...path, '*'], depth + 1, out);
  else if (def.type === 'union')
    for (const option of def['options'] as Node[])
      collect(option, path, depth, out);
  else if (def.type === 'pipe') collect(def['in'] as Node, path, depth, out);
}

/** A job's sensitive values: where its input and its result mark them. */
export interface SensitiveFields {
  readonly data: readonly SensitivePath[];
  readonly result: readonly SensitivePath[];
}

export function sensitiveFieldsOf(schemas: {
  input: z.ZodType;
  result: z.ZodType;
}): SensitiveFields {
  return Object.freeze({
    data: sensitivePaths(schemas.input),
    result: sensitivePaths(schemas.result),
  });
}
