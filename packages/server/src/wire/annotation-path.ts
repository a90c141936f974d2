import { WireFormatError } from './wire-format-error.ts';

/** Keys superjson itself refuses in a path; refused here first, in the API's words. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Splits a superjson path (`a.b\.c` → `['a', 'b.c']`) exactly as superjson
 * will: `\.` and `\\` are escapes from meta version 1 on; before, only `\.`.
 */
export function parseAnnotationPath(path: string, legacy: boolean): string[] {
  const segments: string[] = [];
  let segment = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    const next = path[i + 1];
    if (char === '\\' && (next === '.' || (!legacy && next === '\\'))) {
      segment += next;
      i++;
    } else if (char === '\\' && !legacy) {
      throw new WireFormatError(`Invalid escape in superjson path "${path}"`);
    } else if (char === '.') {
      segments.push(segment);
      segment = '';
    } else segment += char;
  }
  segments.push(segment);
  return segments;
}

/**
 * The JSON value a path names, or a WireFormatError when it names nothing.
 * Paths are resolved on the JSON as sent, before any annotation applies:
 * a Map is still its array of `[key, value]` rows, a Set its array.
 */
export function resolveAnnotationPath(
  json: unknown,
  segments: readonly string[],
): unknown {
  let value = json;
  for (const segment of segments) {
    if (FORBIDDEN_SEGMENTS.has(segment))
      throw new WireFormatError(`"${segment}" is not allowed in a path`);
    value = child(value, segment);
  }
  return value;
}

function child(value: unknown, segment: string): unknown {
  if (Array.isArray(value)) {
    const index = /^(?:0|[1-9]\d{0,8})$/.test(segment) ? Number(segment) : -1;
    if (index >= 0 && index < value.length) return value[index] as unknown;
  } else if (
    typeof value === 'object' &&
    value !== null &&
    Object.hasOwn(value, segment)
  )
    return (value as Record<string, unknown>)[segment];
  throw new WireFormatError('A superjson annotation names a missing path');
}
