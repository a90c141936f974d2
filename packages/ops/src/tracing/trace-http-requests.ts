import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type {
  IncomingMessage,
  RequestListener,
  Server,
  ServerResponse,
} from 'node:http';
import { conveyorTracer } from '@conveyor/queue';

/**
 * Gives every request to `server` a server span (kind SERVER) that
 * continues the caller's `traceparent`, and runs the server's handler in
 * it: an enqueue made while answering is that span's child. Call it once,
 * after the server is made, and only when tracing is on (it adds a span per
 * request). Done here rather than with auto-instrumentation, which needs a
 * loader hook for ESM and would trace every outgoing call too.
 */
export function traceHttpRequests(server: Server): void {
  const tracer = conveyorTracer();
  const listeners = server.listeners('request') as RequestListener[];
  for (const listener of listeners) {
    server.off('request', listener);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const parent = propagation.extract(ROOT_CONTEXT, req.headers);
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const span = tracer.startSpan(
        `${method} ${path}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': method, 'url.path': path },
        },
        parent,
      );
      res.once('close', () => {
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500)
          span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      context.with(trace.setSpan(parent, span), () => listener(req, res));
    });
  }
}
