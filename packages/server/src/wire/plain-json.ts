/** Deeper than any answer Conveyor builds: such a value takes superjson's own path. */
const MAX_DEPTH = 32;

/** Keys superjson refuses to serialise (it throws): left for it to refuse. */
const REFUSED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * True when superjson would serialise `value` as `{ json: value }` and
 * nothing more: only strings, booleans, null, finite numbers other than -0,
 * plain objects and arrays, no object reached twice (superjson records
 * shared references), none of the keys superjson refuses. Answers are
 * almost always this: checking is a fraction of superjson's walk, which
 * copies the value and allocates per node. False sends a value to
 * superjson, which decides; it never changes what the client receives.
 */
export function isPlainJson(value: unknown): boolean {
  return plain(value, new Set(), 0);
}

function plain(value: unknown, seen: Set<object>, depth: number): boolean {
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
  if (depth >= MAX_DEPTH || seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++)
      if (!plain(value[index], seen, depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || REFUSED_KEYS.has(key)) return false;
    if (!plain((value as Record<string, unknown>)[key], seen, depth + 1))
      return false;
  }
  return true;
}
