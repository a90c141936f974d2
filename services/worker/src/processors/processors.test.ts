import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ProcessorContext } from '@conveyor/worker';
import { createConfiguredFeeds } from '../providers/configured-feeds.ts';
import { createLocalContentGenerator } from '../providers/local-content-generator.ts';
import { createMemoryFeedStore } from '../providers/memory-feed-store.ts';
import type { Providers } from '../providers/providers.ts';
import { createProcessors } from './index.ts';

function recordingProviders() {
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

const context = (): ProcessorContext => ({
  jobId: '1',
  tenantId: 'default',
  attempt: 1,
  attempts: 3,
  logger: pino({ level: 'silent' }),
  signal: new AbortController().signal,
  progress: () => Promise.resolve(),
});

describe('catalog processors', () => {
  it('sms.send hands the text to the provider and returns its message id', async () => {
    const { providers, sent } = recordingProviders();
    const result = await createProcessors(providers)['sms.send'](
      { to: '+14155550123', message: 'hi' },
      context(),
    );
    expect(result).toEqual({ providerMessageId: 'sms-1' });
    expect(sent).toEqual([
      { kind: 'sms', message: { to: '+14155550123', text: 'hi' } },
    ]);
  });

  it('email.digest builds the digest from the activity source', async () => {
    const { providers, sent } = recordingProviders();
    const processors = createProcessors(providers);
    const range = {
      startDate: new Date('2026-11-01T00:00:00Z'),
      endDate: new Date('2026-11-08T00:00:00Z'),
    };
    expect(
      await processors['email.digest'](
        { userId: 'busy', period: 'weekly', ...range },
        context(),
      ),
    ).toEqual({
      messageId: 'mail-1',
      itemCount: 1,
    });
    expect(
      await processors['email.digest'](
        { userId: 'quiet', period: 'daily', ...range },
        context(),
      ),
    ).toEqual({
      messageId: 'mail-1',
      itemCount: 0,
    });
    expect(sent[0]?.message).toMatchObject({
      userId: 'busy',
      subject: 'Your weekly digest, 2026-11-01 – 2026-11-08',
    });
    expect((sent[1]?.message as { text: string }).text).toBe(
      'Nothing new today (2026-11-01 – 2026-11-08).',
    );
  });

  it('email.digest stops when its signal has fired', async () => {
    const { providers, sent } = recordingProviders();
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const run = createProcessors(providers)['email.digest'](
      {
        userId: 'u',
        period: 'daily',
        startDate: new Date(0),
        endDate: new Date(1),
      },
      { ...context(), signal: controller.signal },
    );
    await expect(run).rejects.toThrow('cancelled');
    expect(sent).toEqual([]);
  });
});
