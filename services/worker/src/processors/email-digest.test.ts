import { describe, expect, it } from 'vitest';
import {
  context,
  recordingProviders,
} from '../../test/support/processor-test-kit.ts';
import { createProcessors } from './index.ts';

describe('email.digest', () => {
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
