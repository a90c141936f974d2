import type { z } from 'zod';
import { isSensitive } from './sensitive.ts';
import { ZOD_WRAPPERS } from '../zod-wrappers.ts';

type Def = Record<string, unknown> & { type: string };
type Node = z.ZodType & { _zod: { def: Def } };

/**
 * A path into a payload: object keys (a tuple's index too), `*` for every
 * element of an array, `%` for every own value of an object (records,
 * catch-alls).
 */
export type SensitivePath = readonly string[];

const MAX_DEPTH = 32;

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
    if (!ZOD_WRAPPERS.has(current._zod.def.type)) break;
    current = current._zod.def['innerType'] as Node;
  }
  if (depth >= MAX_DEPTH) return;
  const def = current._zod.def;
  const into = (child: unknown, segment: string | null) =>
    collect(
      child as Node,
      segment === null ? path : [...path, segment],
      depth + 1,
      out,
    );
  switch (def.type) {
    case 'object':
      for (const [key, child] of Object.entries(def['shape'] as object))
        into(child, key);
      if (def['catchall']) into(def['catchall'], '%');
      return;
    case 'array':
      return into(def['element'], '*');
    case 'tuple':
      (def['items'] as Node[]).forEach((item, i) => into(item, String(i)));
      if (def['rest']) into(def['rest'], '*');
      return;
    case 'record':
      return into(def['valueType'], '%');
    case 'union':
      for (const option of def['options'] as Node[]) into(option, null);
      return;
    case 'intersection':
      into(def['left'], null);
      return into(def['right'], null);
    case 'pipe':
      into(def['in'], null);
      return into(def['out'], null);
    case 'lazy':
      return into((def['getter'] as () => Node)(), null);
  }
}

/** A job's sensitive values: where its input and its result mark them. */
export interface SensitiveFields {
  readonly data: readonly SensitivePath[];
  readonly result: readonly SensitivePath[];
}

/**
 * Input paths of every version (a payload stored with an older version is
 * opened where that version marked it), result paths of the result.
 */
export function sensitiveFieldsOf(schemas: {
  input: z.ZodType;
  result: z.ZodType;
  versions?: readonly { schema: z.ZodType }[];
}): SensitiveFields {
  const data = new Map<string, SensitivePath>();
  for (const schema of [
    ...(schemas.versions ?? []).map((v) => v.schema),
    schemas.input,
  ])
    for (const path of sensitivePaths(schema))
      data.set(path.join('\u0000'), path);
  return Object.freeze({
    data: [...data.values()],
    result: sensitivePaths(schemas.result),
  });
}
