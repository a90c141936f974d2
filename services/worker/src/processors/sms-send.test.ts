import { describe, expect, it } from 'vitest';
import {
  context,
  recordingProviders,
} from '../../test/support/processor-test-kit.ts';
import { createProcessors } from './index.ts';

describe('sms.send', () => {
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
});
