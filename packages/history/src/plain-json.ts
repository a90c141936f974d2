import superjson from 'superjson';

/**
 * Deeper than this, superjson's own path decides (it throws somewhere past
 * ~1,400 levels): a value it could not write before must not become an
 * entry an older drainer cannot read.
 */
const MAX_DEPTH = 512;

/**
 * True when superjson would write `value` exactly as `JSON.stringify` does,
 * with no annotation: only strings, finite numbers other than -0, booleans,
 * null, arrays without holes and plain objects without a `toJSON`, none of
 * them reached twice (superjson records shared references), no key
 * superjson refuses, at most MAX_DEPTH deep. Any doubt answers false, and
 * the caller takes superjson's own path: the shortcut must never change a
 * byte.
 */
export function isPlainJson(
  value: unknown,
  seen: Set<object> = new Set(),
  depth = 0,
): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (seen.has(value) || depth > MAX_DEPTH) return false;
  seen.add(value);
  // JSON.stringify would call it (enumerable or not); superjson's copy would not.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return false;
  if (Array.isArray(value)) {
    // superjson walks an array's other own properties too (JSON drops them).
    if (
      Object.getPrototypeOf(value) !== Array.prototype ||
      Object.keys(value).length !== value.length
    )
      return false;
    for (let i = 0; i < value.length; i++)
      if (value[i] === undefined || !isPlainJson(value[i], seen, depth + 1))
        return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype')
      return false;
    const inner = (value as Record<string, unknown>)[key];
    if (inner === undefined || !isPlainJson(inner, seen, depth + 1))
      return false;
  }
  return true;
}

/**
 * Nothing registered on superjson's shared instance could claim a plain
 * value: no custom transformer, no registered class (`registerClass(Object)`
 * would annotate plain objects). Read from superjson's internals; if they
 * move, this answers false and superjson's own path is taken.
 */
export function noCustomTransformers(): boolean {
  const instance = (
    superjson as unknown as {
      defaultInstance?: {
        customTransformerRegistry?: { transfomers?: object };
        classRegistry?: { kv?: { keyToValue?: Map<unknown, unknown> } };
      };
    }
  ).defaultInstance;
  const transformers = instance?.customTransformerRegistry?.transfomers;
  const classes = instance?.classRegistry?.kv?.keyToValue;
  return (
    transformers !== undefined &&
    Object.keys(transformers).length === 0 &&
    classes !== undefined &&
    classes.size === 0
  );
}

const SIMPLE_KEY = /^[A-Za-z_$][\w$]*$/;

/**
 * `superjson.stringify(record)`, the same bytes, without superjson's walk
 * (which allocates a path per value) when the record is plain JSON apart
 * from top-level keys set to `undefined` (an outcome's `result` of a
 * processor that returns nothing): those superjson writes as annotations.
 */
export function superjsonStringify(record: Record<string, unknown>): string {
  if (!noCustomTransformers()) return superjson.stringify(record);
  const seen = new Set<object>([record]);
  let undefinedKeys: string[] | undefined;
  const proto: unknown = Object.getPrototypeOf(record);
  if (proto !== Object.prototype || typeof record.toJSON === 'function')
    return superjson.stringify(record);
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    if (
      !SIMPLE_KEY.test(key) ||
      key === '__proto__' ||
      key === 'constructor' ||
      key === 'prototype'
    )
      return superjson.stringify(record);
    const value = record[key];
    if (value === undefined) (undefinedKeys ??= []).push(key);
    else if (!isPlainJson(value, seen, 1)) return superjson.stringify(record);
  }
  if (!undefinedKeys) return `{"json":${JSON.stringify(record)}}`;
  // superjson writes an undefined as null (in place) and annotates it.
  const nulls: Record<string, unknown> = { ...record };
  for (const key of undefinedKeys) nulls[key] = null;
  const json = `{"json":${JSON.stringify(nulls)}`;
  const values = undefinedKeys.map((k) => `"${k}":["undefined"]`).join(',');
  return `${json},"meta":{"values":{${values}},"v":1}}`;
}
