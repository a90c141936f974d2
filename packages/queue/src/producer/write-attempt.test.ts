import { describe, expect, it } from 'vitest';
import { WriteAttempt } from './write-attempt.ts';

/** ioredis's errors, by the names and messages it gives them. */
function redisError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('what a failed enqueue may have stored', () => {
  it('a command timeout after the add was sent is an unknown outcome', () => {
    const attempt = new WriteAttempt();
    attempt.sending();
    expect(attempt.mayHaveStored(new Error('Command timed out'))).toBe(true);
  });

  it('a reply error is a refusal, and nothing before the add can have stored it', () => {
    const sent = new WriteAttempt();
    sent.sending();
    expect(
      sent.mayHaveStored(redisError('ReplyError', 'OOM command not allowed')),
    ).toBe(false);
    expect(
      new WriteAttempt().mayHaveStored(new Error('Command timed out')),
    ).toBe(false);
  });
});
