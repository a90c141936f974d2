/** The HTTP server's bounds: what one request may cost before any procedure runs. */
export interface HttpOptions {
  /** Largest request body; larger is a 413 (`API_MAX_BODY_BYTES`). */
  maxBodyBytes: number;
  /** Most calls in one batched request; more is a 400 (`API_MAX_BATCH_CALLS`). */
  maxBatchCalls: number;
  /** Origins a browser may call from (`API_CORS_ORIGINS`); empty = no CORS headers at all. */
  corsOrigins: readonly string[];
  /** Time to receive a request's headers: a client trickling them (slowloris) is cut off. */
  headersTimeoutMs: number;
  /** Time to receive the whole request. Node stops this clock once the request is read, so SSE responses run on. */
  requestTimeoutMs: number;
  /** How long an idle kept-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two timeouts above (their granularity). */
  timeoutCheckIntervalMs: number;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = Object.freeze({
  maxBodyBytes: 1_024 * 1_024,
  // The client's httpBatchLink sends at most 50 calls per request.
  maxBatchCalls: 50,
  corsOrigins: [],
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  timeoutCheckIntervalMs: 1_000,
});
