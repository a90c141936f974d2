import { describe, expect, it } from 'vitest';
import { cancelledFailureReason, parseFailedReason } from './cancellation.ts';

describe('cancellation reasons', () => {
  it('a cancelled job’s failure reason reads back as a cancellation with its reason', () => {
    expect(parseFailedReason(cancelledFailureReason('by ops'))).toEqual({
      cancelled: true,
      reason: 'by ops',
    });
  });

  it('any other failure reads back as a failure, unchanged', () => {
    expect(parseFailedReason('timeout talking to SMS vendor')).toEqual({
      cancelled: false,
      reason: 'timeout talking to SMS vendor',
    });
  });
});
