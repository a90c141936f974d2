import { parseFeed, type AnyFeed } from 'feedsmith';
import { NonRetryableError } from '@conveyor/worker';
import type { FeedItem } from '../providers/providers.ts';

/** Beyond this, a feed is an archive: the newest items are the ones that matter. */
export const MAX_FEED_ITEMS = 1_000;

/**
 * The items of an RSS (0.9x, 1.0, 2.0), Atom or JSON Feed document, each
 * reduced to a key, title, link and date. Items with neither an id nor a
 * link cannot be told apart from one sync to the next, so they are left out.
 * A document that is no feed fails the job: fetching it again changes nothing.
 */
export function parseFeedItems(document: string): FeedItem[] {
  let parsed: AnyFeed<Date | null>;
  try {
    parsed = parseFeed(document, {
      maxItems: MAX_FEED_ITEMS,
      parseDateFn: toDate,
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new NonRetryableError(`not an RSS, Atom or JSON feed (${why})`);
  }
  return entries(parsed).flatMap((item) => {
    const key = item.id ?? item.link;
    return key ? [{ ...item, key }] : [];
  });
}

type RawItem = Omit<FeedItem, 'key'> & { id: string | null };

function entries({ format, feed }: AnyFeed<Date | null>): RawItem[] {
  switch (format) {
    case 'rss':
      return (feed.items ?? []).map((item) => ({
        id: item.guid?.value ?? null,
        title: item.title ?? null,
        link: item.link ?? null,
        published: item.pubDate ?? item.dc?.dates?.[0] ?? null,
      }));
    case 'atom':
      return (feed.entries ?? []).map((entry) => ({
        id: entry.id ?? null,
        title: entry.title?.value ?? null,
        link: alternateLink(entry.links),
        published: entry.published ?? entry.updated ?? null,
      }));
    case 'rdf':
      return (feed.items ?? []).map((item) => ({
        id: item.rdf?.about ?? null,
        title: item.title ?? null,
        link: item.link ?? null,
        published: item.dc?.dates?.[0] ?? null,
      }));
    case 'json':
      return (feed.items ?? []).map((item) => ({
        id: item.id ?? null,
        title: item.title ?? null,
        link: item.url ?? null,
        published: item.date_published ?? null,
      }));
  }
}

/** Atom's link to the entry itself: rel="alternate", which is also the default rel. */
function alternateLink(
  links: readonly { href?: string; rel?: string }[] | undefined,
): string | null {
  const link =
    links?.find((l) => !l.rel || l.rel === 'alternate') ?? links?.[0];
  return link?.href ?? null;
}

function toDate(raw: string): Date | null {
  const date = new Date(raw.trim());
  return Number.isNaN(date.getTime()) ? null : date;
}
