import { describe, expect, it } from 'vitest';
import {
  isPayloadVersion,
  payloadVersionText,
} from './payload-version-text.ts';

describe('payload version text', () => {
  it('says which version an older or newer payload was stored as', () => {
    expect(payloadVersionText({ stored: 1, current: 2 })).toBe(
      'stored as version 1 of 2',
    );
    expect(payloadVersionText({ stored: 2, current: 2 })).toBe(
      'stored as version 2 of 2',
    );
    expect(payloadVersionText({ stored: 3, current: 2 })).toBe(
      "stored as version 3, newer than this contract's 2",
    );
  });

  it('knows the field only by its name and shape', () => {
    expect(isPayloadVersion('payloadVersion', { stored: 1, current: 2 })).toBe(
      true,
    );
    expect(isPayloadVersion('payloadVersion', null)).toBe(false);
    expect(isPayloadVersion('data', { stored: 1, current: 2 })).toBe(false);
  });
});
