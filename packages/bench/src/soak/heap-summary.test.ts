import { writeHeapSnapshot } from 'node:v8';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  heapGrowth,
  summarizeHeap,
  type HeapSnapshotJson,
} from './heap-summary.ts';

// Three nodes of fields [type, name, self_size]: two `Job` objects and a string.
const tiny: HeapSnapshotJson = {
  snapshot: {
    meta: {
      node_fields: ['type', 'name', 'self_size'],
      node_types: [['hidden', 'object', 'string']],
    },
  },
  nodes: [1, 0, 40, 1, 0, 40, 2, 1, 16],
  strings: ['Job', 'soak 1'],
};

class SoakLeakProbe {
  constructor(readonly payload: string) {}
}

describe('summarizeHeap', () => {
  it('groups objects by constructor and strings by type alone', () => {
    const groups = summarizeHeap(tiny);
    expect(groups.get('object Job')).toEqual({ count: 2, bytes: 80 });
    expect(groups.get('string')).toEqual({ count: 1, bytes: 16 });
  });

  it('finds objects a real heap snapshot grew by', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heap-summary-'));
    try {
      const snapshot = (name: string) =>
        JSON.parse(
          readFileSync(writeHeapSnapshot(join(dir, name)), 'utf8'),
        ) as HeapSnapshotJson;
      const before = summarizeHeap(snapshot('before.heapsnapshot'));
      const kept = Array.from(
        { length: 5_000 },
        (_, i) => new SoakLeakProbe(`p${i}`),
      );
      const after = summarizeHeap(snapshot('after.heapsnapshot'));
      const grown = heapGrowth(before, after, 50).find(
        (row) => row.group === 'object SoakLeakProbe',
      );
      expect(grown?.count).toBe(kept.length);
      expect(grown?.bytes).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Two snapshots of the test runner's own heap: seconds on a busy machine.
  }, 60_000);
});

describe('heapGrowth', () => {
  it('lists only groups that grew, largest first', () => {
    const before = new Map([
      ['object A', { count: 1, bytes: 100 }],
      ['object B', { count: 5, bytes: 500 }],
    ]);
    const after = new Map([
      ['object A', { count: 3, bytes: 300 }],
      ['object B', { count: 4, bytes: 400 }],
      ['object C', { count: 10, bytes: 1_000 }],
    ]);
    expect(heapGrowth(before, after)).toEqual([
      { group: 'object C', count: 10, bytes: 1_000 },
      { group: 'object A', count: 2, bytes: 200 },
    ]);
  });
});
