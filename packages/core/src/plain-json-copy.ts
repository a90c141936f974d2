import superjson from 'superjson';

/** `plainJsonCopy`'s answer for a value superjson would annotate. */
export const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/** Past this many objects and arrays, superjson's own walk is no slower than the check. */
const MAX_CONTAINERS = 64;

/**
 * A deep copy of a value that superjson would encode as itself, with no
 * `meta`: strings, finite numbers other than -0, booleans, null, plain
 * objects and dense arrays of those, each object reached once. Anything
 * else (a Date, undefined, NaN, a shared or cyclic object, a key superjson
 * refuses, a custom transformer registered) answers NOT_PLAIN, and the
 * caller takes superjson's walk, which allocates a path per value and is
 * most of an enqueue's encoding cost. The copy is what superjson's `json`
 * would be: the stored payload never aliases the caller's objects.
 */
export function plainJsonCopy(value: unknown): unknown {
  if (hasCustomTransformers()) return NOT_PLAIN;
  const seen: object[] = [];
  return copy(value, seen);
}

function copy(value: unknown, seen: object[]): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0)
        ? value
        : NOT_PLAIN;
    case 'object':
      if (value === null) return null;
      if (seen.length >= MAX_CONTAINERS || seen.includes(value))
        return NOT_PLAIN;
      seen.push(value);
      return Array.isArray(value)
        ? copyArray(value as unknown[], seen)
        : copyObject(value, seen);
    default:
      return NOT_PLAIN;
  }
}

function copyArray(array: unknown[], seen: object[]): unknown {
  if (Object.getPrototypeOf(array) !== Array.prototype) return NOT_PLAIN;
  const out: unknown[] = new Array(array.length);
  for (let i = 0; i < array.length; i++) {
    const item = copy(array[i], seen);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    out[i] = item;
  }
  return out;
}

function copyObject(object: object, seen: object[]): unknown {
  if (Object.getPrototypeOf(object) !== Object.prototype) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype')
      return NOT_PLAIN;
    const item = copy((object as Record<string, unknown>)[key], seen);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    out[key] = item;
  }
  return out;
}

/** superjson's registry of custom transformers (internal: unknown, it counts as some). */
function hasCustomTransformers(): boolean {
  const registry = (
    superjson as unknown as {
      defaultInstance?: {
        customTransformerRegistry?: { transfomers?: object };
      };
    }
  ).defaultInstance?.customTransformerRegistry?.transfomers;
  if (registry === undefined) return true;
  for (const _ in registry) return true;
  return false;
}
