import type { Cluster, Redis } from 'ioredis';

/**
 * Every key matching `pattern`, sorted. On a Cluster each master holds its
 * own keys and SCAN asks one node, so every master is scanned. Meant for
 * admin reads (compat, schedule upkeep), never for the job's path.
 */
export async function scanKeys(
  redis: Redis,
  pattern: string,
): Promise<string[]> {
  const nodes = redis.isCluster
    ? (redis as unknown as Cluster).nodes('master')
    : [redis];
  const found = new Set<string>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(
        cursor,
        'MATCH',
        pattern,
        'COUNT',
        1_000,
      );
      for (const key of batch) found.add(key);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...found].sort();
}
