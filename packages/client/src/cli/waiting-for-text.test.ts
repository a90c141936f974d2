import { describe, expect, it } from 'vitest';
import { waitingForText } from './waiting-for-text.ts';

describe('waitingForText', () => {
  it('says a handed-back job waits for a worker that knows its version', () => {
    expect(
      waitingForText({
        reason: 'version',
        key: null,
        storedVersion: 2,
        knownVersion: 1,
        handBacks: 3,
        retryAt: new Date('2026-12-07T05:00:04.000Z'),
      }),
    ).toBe(
      'handed back: written with version 2 of its input, the worker that took it knows version 1; waiting for a worker that knows version 2 (handed back 3 times, tried again at 2026-12-07T05:00:04.000Z)',
    );
  });

  it('says when the worker did not know the job at all', () => {
    expect(
      waitingForText({
        reason: 'version',
        key: null,
        storedVersion: 1,
        knownVersion: 0,
        handBacks: 1,
      }),
    ).toBe(
      'handed back: the worker that took it does not know this job; waiting for a worker that does (handed back 1 time)',
    );
  });

  it('keeps the flow-control sentences', () => {
    expect(
      waitingForText({ reason: 'concurrency', key: 'c7', position: 3 }),
    ).toBe(
      'held: its key is at its concurrency limit (key c7, position 3 in line)',
    );
  });
});
