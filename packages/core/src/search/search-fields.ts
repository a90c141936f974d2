import type { z } from 'zod';
import { isSensitive } from '../sensitive/sensitive.ts';
import type { SearchField, SearchKind } from './search-where.ts';
import { ZOD_WRAPPERS } from '../zod-wrappers.ts';

type Def = Record<string, unknown> & { type: string };
type Node = { _zod: { def: Def } };

const MAX_DEPTH = 4;

/**
 * Every field of a job's schema a search may filter on, under `root`
 * (`data` or `result`): scalar leaves of nested objects, four levels deep.
 * Arrays, records and maps are not offered, nor `sensitive()` fields
 * (stored encrypted); a union of objects offers the fields its members
 * agree on.
 */
export function searchFields(
  schema: z.ZodType,
  root: 'data' | 'result',
): SearchField[] {
  const fields = new Map<string, SearchField>();
  collect(schema as unknown as Node, root, 0, fields);
  return [...fields.values()];
}

function collect(
  node: Node,
  path: string,
  depth: number,
  out: Map<string, SearchField>,
): void {
  // Sealed values are ciphertext in history: nothing to compare.
  if (markedSensitive(node)) return;
  const def = unwrap(node)._zod.def;
  const leaf = leafOf(def);
  if (leaf) return add(out, { path, ...leaf });
  if (depth >= MAX_DEPTH) return;
  if (def.type === 'object') {
    const shape = def['shape'] as Record<string, Node>;
    for (const [key, child] of Object.entries(shape))
      if (/^[A-Za-z0-9_$-]+$/.test(key))
        collect(child, `${path}.${key}`, depth + 1, out);
    return;
  }
  if (def.type === 'union') {
    const members = (def['options'] as Node[]).map((option) => {
      const found = new Map<string, SearchField>();
      collect(option, path, depth, found);
      return found;
    });
    for (const field of agreed(members)) add(out, field);
  }
}

function markedSensitive(node: Node): boolean {
  let current = node;
  for (let i = 0; i < 16; i++) {
    if (isSensitive(current as unknown as z.ZodType)) return true;
    if (!ZOD_WRAPPERS.has(current._zod.def.type)) return false;
    current = current._zod.def['innerType'] as Node;
  }
  return false;
}

function unwrap(node: Node): Node {
  let current = node;
  for (let i = 0; i < 16 && ZOD_WRAPPERS.has(current._zod.def.type); i++)
    current = current._zod.def['innerType'] as Node;
  return current;
}

function leafOf(
  def: Def,
): { kind: SearchKind; values?: readonly string[] } | null {
  switch (def.type) {
    case 'string':
      return { kind: 'string' };
    case 'number':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'date':
      return { kind: 'date' };
    case 'enum': {
      const values = Object.values(def['entries'] as Record<string, unknown>);
      return stringValues(values);
    }
    case 'literal':
      return stringValues(def['values'] as unknown[]);
    case 'union': {
      const options = (def['options'] as Node[]).map((o) => unwrap(o)._zod.def);
      if (!options.every((o) => o.type === 'literal')) return null;
      return stringValues(options.flatMap((o) => o['values'] as unknown[]));
    }
    default:
      return null;
  }
}

function stringValues(
  values: unknown[],
): { kind: 'enum'; values: readonly string[] } | null {
  return values.every((v): v is string => typeof v === 'string')
    ? { kind: 'enum', values }
    : null;
}

/** Fields every member has, with one kind (enum values merged). */
function agreed(members: Map<string, SearchField>[]): SearchField[] {
  const [first, ...rest] = members;
  if (!first) return [];
  const out: SearchField[] = [];
  for (const field of first.values()) {
    const others = rest.map((m) => m.get(field.path));
    if (others.some((o) => o?.kind !== field.kind)) continue;
    const values = field.values
      ? [
          ...new Set(
            [field.values, ...others.map((o) => o?.values ?? [])].flat(),
          ),
        ]
      : undefined;
    out.push(values ? { ...field, values } : field);
  }
  return out;
}

function add(out: Map<string, SearchField>, field: SearchField): void {
  out.set(field.path, field);
}
