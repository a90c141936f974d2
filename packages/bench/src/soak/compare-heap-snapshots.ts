// `tsx src/soak/compare-heap-snapshots.ts before.heapsnapshot after.heapsnapshot`:
// what grew between two snapshots of `yarn soak --heap-snapshots`, by type and constructor.
import { readFileSync } from 'node:fs';
import {
  heapGrowth,
  summarizeHeap,
  type HeapSnapshotJson,
} from './heap-summary.ts';

const [beforePath, afterPath] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error('usage: compare-heap-snapshots <before> <after>');
  process.exit(2);
}
const read = (path: string) =>
  summarizeHeap(JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshotJson);
const rows = heapGrowth(read(beforePath), read(afterPath));
console.log('| Group (type, constructor or name) | Δ count | Δ bytes |');
console.log('| --- | --: | --: |');
for (const row of rows)
  console.log(
    `| ${row.group.replaceAll('|', '\\|')} | ${row.count} | ${row.bytes.toLocaleString('en')} |`,
  );
