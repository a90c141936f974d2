import superjson from 'superjson';

/**
 * True when superjson would write `value` exactly as `JSON.stringify` does,
 * with no annotation: only strings, finite numbers other than -0, booleans,
 * null, arrays without holes and plain objects, none of them reached twice
 * (superjson records shared references) and no key superjson refuses. Any
 * doubt answers false, and the caller takes superjson's own path: the
 * shortcut must never change a byte.
 */
export function isPlainJson(value: unknown, seen: object[] = []): boolean {
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
  if (seen.includes(value)) return false;
  seen.push(value);
  if (Array.isArray(value)) {
    // superjson walks an array's other own properties too (JSON drops them).
    if (
      Object.getPrototypeOf(value) !== Array.prototype ||
      Object.keys(value).length !== value.length
    )
      return false;
    for (let i = 0; i < value.length; i++)
      if (value[i] === undefined || !isPlainJson(value[i], seen)) return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype')
      return false;
    const inner = (value as Record<string, unknown>)[key];
    if (inner === undefined || !isPlainJson(inner, seen)) return false;
  }
  return true;
}

/** Nothing registered on superjson's shared instance could claim a plain value. */
export function noCustomTransformers(): boolean {
  const registry = (
    superjson as unknown as {
      defaultInstance?: {
        customTransformerRegistry?: { transfomers?: object };
      };
    }
  ).defaultInstance?.customTransformerRegistry?.transfomers;
  return registry !== undefined && Object.keys(registry).length === 0;
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
  const seen: object[] = [record];
  let undefinedKeys: string[] | undefined;
  const proto: unknown = Object.getPrototypeOf(record);
  if (proto !== Object.prototype) return superjson.stringify(record);
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
    else if (!isPlainJson(value, seen)) return superjson.stringify(record);
  }
  if (!undefinedKeys) return `{"json":${JSON.stringify(record)}}`;
  // superjson writes an undefined as null (in place) and annotates it.
  const nulls: Record<string, unknown> = { ...record };
  for (const key of undefinedKeys) nulls[key] = null;
  const json = `{"json":${JSON.stringify(nulls)}`;
  const values = undefinedKeys.map((k) => `"${k}":["undefined"]`).join(',');
  return `${json},"meta":{"values":{${values}},"v":1}}`;
}
