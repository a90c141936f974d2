import type { FeedItem, FeedStore } from './providers.ts';

/** Per tenant, so a busy tenant evicts only its own oldest items. */
export const MEMORY_FEED_STORE_LIMIT = 10_000;

/**
 * Keeps synced items in this process, as a database table would: one row
 * per tenant, feed and item key, so a second sync of the same feed adds
 * nothing. Lost on restart (then the next sync finds every item new again)
 * and not shared between workers: the local default, not production's.
 */
export function createMemoryFeedStore(
  limit = MEMORY_FEED_STORE_LIMIT,
): FeedStore {
  const tenants = new Map<string, Map<string, FeedItem>>();
  return {
    save(tenantId, feedUrl, items) {
      const rows = tenants.get(tenantId) ?? new Map<string, FeedItem>();
      tenants.set(tenantId, rows);
      let added = 0;
      for (const item of items) {
        // Keys are unique within a feed only (RSS guids are often 1, 2, 3…).
        const id = `${feedUrl}\n${item.key}`;
        if (rows.has(id)) continue;
        rows.set(id, item);
        added += 1;
      }
      // A Map iterates in insertion order: the first keys are the oldest rows.
      for (const id of rows.keys()) {
        if (rows.size <= limit) break;
        rows.delete(id);
      }
      return Promise.resolve({ added });
    },
    recent(tenantId, limit) {
      const rows = [...(tenants.get(tenantId)?.values() ?? [])];
      rows.sort(
        (a, b) => (b.published?.getTime() ?? 0) - (a.published?.getTime() ?? 0),
      );
      return Promise.resolve(rows.slice(0, limit));
    },
  };
}
