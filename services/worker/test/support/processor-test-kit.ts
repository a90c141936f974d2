// What the example's processor tests share: recording providers and a context.
import { pino } from 'pino';
import type { ProcessorContext } from '@conveyor/worker';
import { createConfiguredFeeds } from '../../src/providers/configured-feeds.ts';
import { createLocalContentGenerator } from '../../src/providers/local-content-generator.ts';
import { createMemoryFeedStore } from '../../src/providers/memory-feed-store.ts';
import type { Providers } from '../../src/providers/providers.ts';

/** Providers that record what they were asked to send. */
export function recordingProviders() {
  const sent: { kind: string; message: unknown }[] = [];
  const providers: Providers = {
    sms: {
      send: (message) => (
        sent.push({ kind: 'sms', message }),
        Promise.resolve({ messageId: 'sms-1' })
      ),
    },
    email: {
      sendToUser: (message) => (
        sent.push({ kind: 'email', message }),
        Promise.resolve({ messageId: 'mail-1' })
      ),
    },
    activity: {
      list: (userId, from, to) =>
        Promise.resolve(
          userId === 'busy'
            ? [{ at: from, summary: `opened ${to.getUTCDate()}` }]
            : [],
        ),
    },
    feeds: createConfiguredFeeds([]),
    feedStore: createMemoryFeedStore(),
    generator: createLocalContentGenerator(0),
  };
  return { providers, sent };
}

/** A processor context for one attempt of a job that nothing cancels. */
export const context = (): ProcessorContext => ({
  jobId: '1',
  tenantId: 'default',
  attempt: 1,
  attempts: 3,
  logger: pino({ level: 'silent' }),
  signal: new AbortController().signal,
  progress: () => Promise.resolve(),
});
