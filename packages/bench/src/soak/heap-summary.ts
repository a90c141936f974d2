/** The parts of a V8 `.heapsnapshot` (JSON) a summary needs. */
export interface HeapSnapshotJson {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[], ...unknown[]] };
  };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  count: number;
  bytes: number;
}

/** Node types whose name is their content (a string's text): grouped by type alone. */
const NAMELESS = new Set([
  'string',
  'concatenated string',
  'sliced string',
  'number',
  'bigint',
  'symbol',
]);

/**
 * Self sizes and counts by `type name` (`object Map`, `closure onData`,
 * `string`): what a heap is made of, to compare two points of a soak.
 */
export function summarizeHeap(
  snapshot: HeapSnapshotJson,
): Map<string, HeapGroup> {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const at = (field: string) => fields.indexOf(field);
  const [typeAt, nameAt, sizeAt] = [at('type'), at('name'), at('self_size')];
  const groups = new Map<string, HeapGroup>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt] ?? -1] ?? '?';
    const name = snapshot.strings[snapshot.nodes[i + nameAt] ?? -1] ?? '';
    const key = NAMELESS.has(type) ? type : `${type} ${name.slice(0, 80)}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += snapshot.nodes[i + sizeAt] ?? 0;
    groups.set(key, group);
  }
  return groups;
}

export interface HeapGrowth {
  group: string;
  count: number;
  bytes: number;
}

/** The groups that grew most in bytes from `before` to `after`. */
export function heapGrowth(
  before: ReadonlyMap<string, HeapGroup>,
  after: ReadonlyMap<string, HeapGroup>,
  top = 25,
): HeapGrowth[] {
  return [...after]
    .map(([group, { count, bytes }]) => ({
      group,
      count: count - (before.get(group)?.count ?? 0),
      bytes: bytes - (before.get(group)?.bytes ?? 0),
    }))
    .filter((row) => row.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}
