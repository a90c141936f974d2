import {
  parseAnnotationPath,
  resolveAnnotationPath,
} from './annotation-path.ts';
import type { ValueAnnotation } from './value-annotations.ts';
import { WireFormatError } from './wire-format-error.ts';

export interface ReferenceCheckOptions {
  /** Paths without the `v: 1` escaping (superjson before 2.x). */
  legacy: boolean;
  /** Nodes of the JSON sent: every path names one, so there are never more paths. */
  jsonNodes: number;
  /** Map/Set rows superjson may walk to resolve them (`WireLimits.maxCollectionSteps`). */
  maxCollectionSteps: number;
}

/**
 * Checks `meta.referentialEqualities` (`{ path: [identical paths] }`) before
 * superjson applies it: each path names a value that exists, and there are
 * no more paths than values sent (superjson names each place once), so the
 * work of applying them grows with the input, whatever the batch. What they
 * expand to is bounded after decoding (`deserializeUntrusted`). Refused:
 * the `[rootPaths, …]` form (an input that contains itself is a cycle by
 * definition). Through a Map or Set superjson finds the n-th entry by
 * walking the collection, once per path: the rows walked are budgeted, or a
 * few kilobytes of paths into a big Map would cost seconds.
 */
export function checkReferentialEqualities(
  json: unknown,
  equalities: unknown,
  annotations: readonly ValueAnnotation[],
  options: ReferenceCheckOptions,
): void {
  const { legacy } = options;
  if (typeof equalities !== 'object' || equalities === null)
    throw new WireFormatError('Malformed superjson referentialEqualities');
  if (Array.isArray(equalities))
    throw new WireFormatError('An input that references itself is refused');
  const collections = new Set(
    annotations
      .filter((a) => a.type === 'map' || a.type === 'set')
      .map((a) => JSON.stringify(a.path)),
  );
  let count = 0;
  const budget = { steps: options.maxCollectionSteps };
  for (const [representative, identical] of Object.entries(equalities)) {
    if (!Array.isArray(identical))
      throw new WireFormatError('Malformed superjson referentialEqualities');
    count += 1 + identical.length;
    if (count > options.jsonNodes)
      throw new WireFormatError(
        'Too many shared references (more paths than values sent)',
      );
    for (const path of [representative, ...(identical as unknown[])])
      checkReferencePath(json, path, collections, legacy, budget);
  }
}

// eslint-disable-next-line max-params -- 5 params: checkReferencePath an options object is a follow-up
function checkReferencePath(
  json: unknown,
  path: unknown,
  collections: ReadonlySet<string>,
  legacy: boolean,
  budget: { steps: number },
): void {
  if (typeof path !== 'string')
    throw new WireFormatError('Malformed superjson referentialEqualities');
  const segments = parseAnnotationPath(path, legacy);
  resolveAnnotationPath(json, segments);
  for (let end = 0; end < segments.length; end++) {
    if (!collections.has(JSON.stringify(segments.slice(0, end)))) continue;
    // resolveAnnotationPath proved the row exists: a small integer.
    budget.steps -= Number(segments[end]) + 1;
    if (budget.steps < 0)
      throw new WireFormatError(
        'Too many shared references inside Maps or Sets',
      );
  }
}
