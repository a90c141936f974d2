import type { HistoryStore } from '@conveyor/history';
import { percentile } from '../stats.ts';
import { seededRandom, type SearchKindSpec } from './search-queries.ts';

export interface SearchTiming {
  kind: string;
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Mean rows on the page (or the count), to show what each run found. */
  meanFound: number;
}

/** One search as the console would issue it; returns ms (null: no page 2 to fetch) and what it found. */
export async function runSearch(
  store: HistoryStore,
  spec: SearchKindSpec,
  i: number,
  random: () => number,
): Promise<{ ms: number | null; found: number }> {
  const query = spec.query(i, random);
  const target = spec.store ?? store;
  if (spec.call === 'count') {
    const t = performance.now();
    const { count } = await target.count(query);
    return { ms: performance.now() - t, found: count };
  }
  let cursor: string | undefined;
  if (spec.call === 'page2') {
    cursor = (await target.list(query)).nextCursor ?? undefined;
    if (cursor === undefined) return { ms: null, found: 0 };
  }
  const t = performance.now();
  const page = await target.list(
    cursor === undefined ? query : { ...query, cursor },
  );
  return { ms: performance.now() - t, found: page.items.length };
}

/**
 * `runs` searches of each kind, kinds interleaved (run 1 of every kind,
 * then run 2, …) so a passing burst of noise touches all kinds alike.
 */
export async function timeSearches(
  store: HistoryStore,
  kinds: readonly SearchKindSpec[],
  runs: number,
): Promise<SearchTiming[]> {
  const random = seededRandom(7);
  const times = kinds.map(() => [] as number[]);
  const found = kinds.map(() => [] as number[]);
  // One untimed pass warms the connection pool and the plan cache.
  for (const [k, spec] of kinds.entries())
    await runSearch(store, spec, k, random);
  for (let i = 0; i < runs; i += 1)
    for (const [k, spec] of kinds.entries()) {
      const result = await runSearch(store, spec, i, random);
      if (result.ms !== null) times[k]?.push(result.ms);
      found[k]?.push(result.found);
    }
  return kinds.map((spec, k) => {
    const ms = times[k] ?? [];
    const f = found[k] ?? [];
    return {
      kind: spec.kind,
      runs: ms.length,
      p50: percentile(ms, 50),
      p95: percentile(ms, 95),
      p99: percentile(ms, 99),
      max: ms.length > 0 ? Math.max(...ms) : Number.NaN,
      meanFound: f.reduce((a, b) => a + b, 0) / Math.max(1, f.length),
    };
  });
}
