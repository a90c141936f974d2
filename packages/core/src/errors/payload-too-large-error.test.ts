import { describe, expect, it } from 'vitest';
import { ConveyorError, PayloadTooLargeError } from './index.ts';

describe('PayloadTooLargeError', () => {
  it('names the job, the size and the limit, with a stable code', () => {
    const error = new PayloadTooLargeError('sms.send', 70_000, 65_536);
    expect(error).toBeInstanceOf(ConveyorError);
    expect(error.name).toBe('PayloadTooLargeError');
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toBe(
      'Payload for sms.send is 70000 bytes once encoded; the job allows at most 65536',
    );
  });
});
