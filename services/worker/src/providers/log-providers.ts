import type { Logger } from '@conveyor/worker';
import { randomUUID } from 'node:crypto';
import { createConfiguredFeeds } from './configured-feeds.ts';
import { createLocalContentGenerator } from './local-content-generator.ts';
import { createMemoryFeedStore } from './memory-feed-store.ts';
import type { Providers } from './providers.ts';

export interface LocalProviderOptions {
  /** What `feed.sync` of `configured` feeds fetches; none by default. */
  feedUrls?: readonly string[];
  /** How long the local generator takes per section. */
  generatorStepMs?: number;
}

/**
 * Providers that log what would be sent: they make no network call and
 * pretend none. The default until a real vendor is wired in. Feeds are real
 * (fetched over HTTP by the processor) but kept in memory, and content is
 * put together from them without a model.
 */
export function createLogProviders(
  logger: Logger,
  options: LocalProviderOptions = {},
): Providers {
  return {
    sms: {
      send({ to, text }) {
        const messageId = `log-${randomUUID()}`;
        logger.info(
          { provider: 'log', to, chars: text.length, messageId },
          'SMS (log provider, not sent)',
        );
        return Promise.resolve({ messageId });
      },
    },
    email: {
      sendToUser({ userId, subject, text }) {
        const messageId = `log-${randomUUID()}`;
        logger.info(
          { provider: 'log', userId, subject, chars: text.length, messageId },
          'e-mail (log provider, not sent)',
        );
        return Promise.resolve({ messageId });
      },
    },
    // No activity store is wired yet: every digest is honestly empty.
    activity: { list: () => Promise.resolve([]) },
    feeds: createConfiguredFeeds(options.feedUrls ?? []),
    feedStore: createMemoryFeedStore(),
    generator: createLocalContentGenerator(options.generatorStepMs),
  };
}
