/** The deadline passed before the work settled. */
export class DeadlineExceededError extends Error {
  constructor(readonly ms: number) {
    super(`No answer within ${ms} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Settles with `work`, or rejects with `DeadlineExceededError` after `ms`.
 * The work itself is not stopped: callers that must not leave effects behind
 * (an enqueue) have to make the late outcome safe themselves.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(ms)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
