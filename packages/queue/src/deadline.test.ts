import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, withDeadline } from './deadline.ts';

describe('withDeadline', () => {
  it('settles with the work when it is in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1_000)).resolves.toBe(7);
    await expect(
      withDeadline(Promise.reject(new Error('boom')), 1_000),
    ).rejects.toThrow('boom');
  });

  it('rejects with DeadlineExceededError when the work is late', async () => {
    const late = new Promise((resolve) => setTimeout(resolve, 500));
    const error = await withDeadline(late, 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toBe('No answer within 20 ms');
  });
});
