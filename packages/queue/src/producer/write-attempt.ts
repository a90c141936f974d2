/** The caller was already answered (deadline): this enqueue must send nothing more. */
export class AbandonedWriteError extends Error {
  constructor() {
    super('The enqueue was abandoned at its deadline before its add was sent');
    this.name = 'AbandonedWriteError';
  }
}

/**
 * What one enqueue has sent so far, so that its answer means what it says:
 * before the add is sent, a failure means nothing was stored (a refusal);
 * after, a failure with no reply from Redis means the outcome is unknown.
 * Once the caller has been answered (the deadline passed) nothing more is
 * sent: a refused enqueue never runs later, when Redis comes back.
 */
export class WriteAttempt {
  private abandoned = false;
  private sent = false;

  /** Before each write. */
  proceed(): void {
    if (this.abandoned) throw new AbandonedWriteError();
  }

  /** The add goes out now. */
  sending(): void {
    this.proceed();
    this.sent = true;
  }

  abandon(): void {
    this.abandoned = true;
  }

  get addSent(): boolean {
    return this.sent;
  }

  /** Whether a failure may have left the job stored: the add was sent and Redis did not answer. */
  mayHaveStored(error: unknown): boolean {
    return this.sent && isNoReply(error);
  }
}

/**
 * ioredis's ways of saying "no reply came": the connection closed or could
 * not take the command. An error reply (a ReplyError, OOM, a script's
 * refusal) means Redis ran the command and refused it: nothing was stored.
 */
export function isNoReply(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.name === 'ReplyError') return false;
    // Stored on the primary; whether it survives a failover is unknown.
    if (e.name === 'ReplicationUnconfirmedError') return true;
    if (
      e.name === 'MaxRetriesPerRequestError' ||
      e.name === 'DeadlineExceededError' ||
      /Connection is closed|Stream isn't writeable|ECONNRESET|EPIPE|ETIMEDOUT|socket hang up/.test(
        e.message,
      )
    )
      return true;
  }
  return false;
}
