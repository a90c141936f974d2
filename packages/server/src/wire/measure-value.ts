import { WireFormatError } from './wire-format-error.ts';

/**
 * Counts the nodes of a value, visiting a shared object once per reference
 * (what a recursive reader such as Zod or superjson would do), without
 * recursing itself: a value nested a million deep is measured, not a stack
 * overflow. Stops with a WireFormatError past `maxDepth` or `maxNodes`,
 * which also ends the walk of a cyclic value.
 */
export function measureValue(
  value: unknown,
  limits: { maxDepth: number; maxNodes: number },
  inspect?: (node: unknown) => void,
): number {
  const stack: [unknown, number][] = [[value, 1]];
  let nodes = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > limits.maxDepth)
      throw new WireFormatError(
        `Input nested too deeply (at most ${limits.maxDepth} levels)`,
      );
    if (++nodes > limits.maxNodes)
      throw new WireFormatError('Input references expand beyond what was sent');
    inspect?.(node);
    for (const item of childrenOf(node)) stack.push([item, depth + 1]);
  }
  return nodes;
}

function childrenOf(node: unknown): Iterable<unknown> {
  if (Array.isArray(node)) return node as unknown[];
  if (node instanceof Map) {
    const map = node as Map<unknown, unknown>;
    return [...map.keys(), ...map.values()];
  }
  if (node instanceof Set) return node as Set<unknown>;
  if (typeof node === 'object' && node !== null && !(node instanceof Date))
    return Object.values(node as Record<string, unknown>);
  return [];
}
