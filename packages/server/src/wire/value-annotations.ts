import {
  parseAnnotationPath,
  resolveAnnotationPath,
} from './annotation-path.ts';
import {
  ALLOWED_ANNOTATIONS,
  type AllowedAnnotation,
  type WireLimits,
} from './wire-limits.ts';
import { WireFormatError } from './wire-format-error.ts';

/** One annotation of `meta.values`: the JSON path it applies to and its type. */
export interface ValueAnnotation {
  path: string[];
  type: AllowedAnnotation;
}

const ALLOWED = new Set<unknown>(ALLOWED_ANNOTATIONS);
const NUMBER_SPELLINGS = new Set<unknown>([
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
]);

/**
 * Reads `meta.values` (superjson's tree: `[type, children?]` at a node, or a
 * record of child paths) without recursion, refusing any type outside the
 * allow-list and any annotation whose JSON value is not what that type
 * decodes from. Nothing is built: this runs before superjson sees the input.
 */
export function checkValueAnnotations(
  json: unknown,
  tree: unknown,
  legacy: boolean,
  limits: WireLimits,
): ValueAnnotation[] {
  const annotations: ValueAnnotation[] = [];
  const stack: [unknown, string[]][] = [[tree, []]];
  while (stack.length > 0) {
    const [node, origin] = stack.pop()!;
    if (origin.length > limits.maxDepth)
      throw new WireFormatError(
        `superjson annotations nested too deeply (at most ${limits.maxDepth} levels)`,
      );
    const children: unknown = Array.isArray(node) ? node[1] : node;
    if (Array.isArray(node)) {
      if (node.length < 1 || node.length > 2)
        throw new WireFormatError('Malformed superjson annotation');
      const type = annotationType(node[0]);
      const value = resolveAnnotationPath(json, origin);
      checkEncodedValue(type, value, limits);
      annotations.push({ path: origin, type });
      if (children === undefined) continue;
    }
    if (!isRecord(children))
      throw new WireFormatError('Malformed superjson annotation');
    for (const [key, child] of Object.entries(children))
      stack.push([child, [...origin, ...parseAnnotationPath(key, legacy)]]);
  }
  return annotations;
}

function annotationType(type: unknown): AllowedAnnotation {
  if (ALLOWED.has(type)) return type as AllowedAnnotation;
  const shown: unknown = Array.isArray(type) ? type[0] : type;
  throw new WireFormatError(
    `Unsupported superjson type${typeof shown === 'string' ? ` "${shown.slice(0, 40)}"` : ''}; ` +
      `the API accepts ${ALLOWED_ANNOTATIONS.join(', ')}`,
  );
}

/** The JSON each type decodes from, as superjson encodes it: anything else is not from a superjson client. */
function checkEncodedValue(
  type: AllowedAnnotation,
  value: unknown,
  limits: WireLimits,
): void {
  const ok = {
    Date: () =>
      typeof value === 'string' && value.length <= limits.maxDateLength,
    bigint: () =>
      typeof value === 'string' &&
      new RegExp(`^-?\\d{1,${limits.maxBigIntDigits}}$`).test(value),
    set: () => Array.isArray(value),
    map: () =>
      Array.isArray(value) &&
      value.every((row) => Array.isArray(row) && row.length === 2),
    undefined: () => value === null,
    number: () => NUMBER_SPELLINGS.has(value),
  }[type]();
  if (!ok)
    throw new WireFormatError(
      `A value annotated "${type}" is not encoded as superjson encodes one`,
    );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
