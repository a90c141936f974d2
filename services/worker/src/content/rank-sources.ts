import type { FeedItem } from '../providers/providers.ts';

/**
 * The items whose titles share the most words with the topic, best first,
 * newer first among equals. Items that share none are left out: a piece
 * padded with unrelated sources reads worse than a short one.
 */
export function rankSources(
  items: readonly FeedItem[],
  topic: string,
  limit: number,
): FeedItem[] {
  const wanted = new Set(terms(topic));
  return items
    .map((item) => ({
      item,
      score: terms(item.title ?? '').filter((t) => wanted.has(t)).length,
    }))
    .filter(({ score }) => score > 0)
    .sort((a, b) => b.score - a.score || time(b.item) - time(a.item))
    .slice(0, limit)
    .map(({ item }) => item);
}

/** Words of three letters or more, lowercased: short ones (a, of, AI's "s") match everything. */
function terms(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 3);
}

function time(item: FeedItem): number {
  return item.published?.getTime() ?? 0;
}
