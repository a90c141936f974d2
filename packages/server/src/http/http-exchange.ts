import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The HTTP request and response behind a procedure call, for the few
 * procedures that read a header or answer with one (idempotent enqueue).
 * Absent for in-process callers.
 */
export interface HttpExchange {
  /** A request header's value as received (repeated ones joined by ", "); null when absent. */
  header(name: string): string | null;
  /** Whether the call shares its HTTP request (and answer) with others: a tRPC batch. */
  readonly batched: boolean;
  /** Adds a header to the answer; ignored once the answer has started. */
  setHeader(name: string, value: string): void;
}

export function httpExchange(
  req: IncomingMessage,
  res: ServerResponse,
  batched: boolean,
): HttpExchange {
  return {
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
    batched,
    setHeader: (name, value) => {
      if (!res.headersSent) res.setHeader(name, value);
    },
  };
}
