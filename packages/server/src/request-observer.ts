import type { Logger } from '@conveyor/queue';

/** One procedure call, as the API saw it end (a subscription: when its stream started). */
export interface ObservedCall {
  procedure: string;
  type: 'query' | 'mutation' | 'subscription';
  /** The HTTP status this call answers with (per call inside a batch). */
  status: number;
  /** tRPC's error code (`BAD_REQUEST`, …); null on success. */
  code: string | null;
  durationMs: number;
  /** The tenant it acted for; null when the caller was not authenticated. */
  tenant: string | null;
}

/**
 * Told of every procedure call: request logs and metrics plug in here. It
 * sees names, statuses and timings, never inputs, outputs or credentials.
 * Called synchronously after the call: keep it cheap, never throw.
 */
export type RequestObserver = (call: ObservedCall) => void;

/** One log line per call: procedure, status, duration, tenant. */
export function requestLog(logger: Logger): RequestObserver {
  return (call) => {
    const level = call.status >= 500 ? 'warn' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const durationMs = Math.round(call.durationMs * 10) / 10;
    // Two literals rather than a spread: one line per request.
    logger[level](
      call.code
        ? {
            procedure: call.procedure,
            type: call.type,
            status: call.status,
            code: call.code,
            durationMs,
            tenant: call.tenant,
          }
        : {
            procedure: call.procedure,
            type: call.type,
            status: call.status,
            durationMs,
            tenant: call.tenant,
          },
      'request',
    );
  };
}
