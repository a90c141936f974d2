/**
 * Why an attempt ended when it outlived its job's `defaults.timeoutMs`: the
 * reason of the processor's aborted signal, and the error the attempt is
 * recorded with. Retried per the job's policy, like any other failure.
 */
export class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`Attempt timed out after ${timeoutMs} ms`);
  }
}
