/**
 * The outside world a processor talks to, behind interfaces so a real SMS or
 * e-mail vendor, database or model plugs in without touching processors
 * (`log-providers.ts` is the default).
 */
export interface SmsProvider {
  send(
    message: { to: string; text: string },
    signal: AbortSignal,
  ): Promise<{ messageId: string }>;
}

export interface EmailProvider {
  sendToUser(
    message: { userId: string; subject: string; text: string },
    signal: AbortSignal,
  ): Promise<{ messageId: string }>;
}

export interface ActivityItem {
  at: Date;
  summary: string;
}

/** Where a digest's content comes from (the product's own data store). */
export interface ActivitySource {
  list(userId: string, from: Date, to: Date): Promise<ActivityItem[]>;
}

/** One entry of a feed, reduced to what dedupe and generation need. */
export interface FeedItem {
  /** Stable identity: the guid (RSS) or id (Atom), else the link. */
  key: string;
  title: string | null;
  link: string | null;
  published: Date | null;
}

/** Which feeds a `feed.sync` of `configured` feeds fetches (deployment settings, a table…). */
export interface FeedDirectory {
  configured(tenantId: string, signal: AbortSignal): Promise<string[]>;
}

/** Where synced items go; it alone knows what was seen before. */
export interface FeedStore {
  /** Stores the items not stored before (same tenant and key); says how many. */
  save(
    tenantId: string,
    feedUrl: string,
    items: readonly FeedItem[],
    signal: AbortSignal,
  ): Promise<{ added: number }>;
  /** The tenant's latest items, newest first. */
  recent(tenantId: string, limit: number): Promise<FeedItem[]>;
}

/** One section to write: the piece's topic and format, and the sources it may use. */
export interface SectionRequest {
  topic: string;
  format: 'post' | 'newsletter' | 'report';
  /** 0-based, of `count`. */
  index: number;
  count: number;
  sources: readonly FeedItem[];
}

/** Writes text (a language model in production): slow, so it takes the job's signal. */
export interface ContentGenerator {
  section(
    request: SectionRequest,
    signal: AbortSignal,
  ): Promise<{ heading: string; body: string }>;
}

export interface Providers {
  sms: SmsProvider;
  email: EmailProvider;
  activity: ActivitySource;
  feeds: FeedDirectory;
  feedStore: FeedStore;
  generator: ContentGenerator;
}
