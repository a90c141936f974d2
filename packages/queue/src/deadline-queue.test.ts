import { describe, expect, it } from 'vitest';
import { DeadlineExceededError } from './deadline.ts';
import { DeadlineQueue, withSharedDeadline } from './deadline-queue.ts';

const after = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('DeadlineQueue', () => {
  it('settles with the work when it is in time', async () => {
    await expect(withSharedDeadline(Promise.resolve(7), 1_000)).resolves.toBe(
      7,
    );
    await expect(
      withSharedDeadline(Promise.reject(new Error('boom')), 1_000),
    ).rejects.toThrow('boom');
  });

  it('rejects each late work at its own deadline, in time ones with their value', async () => {
    const queue = new DeadlineQueue(40);
    const started = performance.now();
    const first = queue.add(after(500, 'late'));
    await after(20, undefined);
    const second = queue.add(after(500, 'late too'));
    const third = queue.add(after(5, 'quick'));
    await expect(third).resolves.toBe('quick');
    const error = await first.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toBe('No answer within 40 ms');
    await expect(second).rejects.toBeInstanceOf(DeadlineExceededError);
    // The second joined 20 ms after the first: its deadline is its own.
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('keeps deadlines after the works before them settled, and after an idle spell', async () => {
    const queue = new DeadlineQueue(30);
    await expect(queue.add(after(1, 'a'))).resolves.toBe('a');
    await after(50, undefined);
    const late = queue.add(after(300, 'late'));
    await expect(queue.add(after(1, 'b'))).resolves.toBe('b');
    await expect(late).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  it('answers many works settling out of order', async () => {
    const queue = new DeadlineQueue(1_000);
    const works = Array.from({ length: 3_000 }, (_, i) =>
      queue.add(after(i % 7, i)),
    );
    const values = await Promise.all(works);
    expect(values).toEqual(Array.from({ length: 3_000 }, (_, i) => i));
  });
});
