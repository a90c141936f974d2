import {
  callTRPCProcedure,
  getErrorShape,
  getTRPCErrorFromUnknown,
  transformTRPCResponse,
  type TRPCError,
  type TRPCErrorShape,
} from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY, type TRPCResponse } from '@trpc/server/rpc';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from '../context.ts';
import type { AnyConveyorRouter } from '../create-conveyor-router.ts';
import { trpcConfig as config } from '../trpc.ts';
import { readBody } from './read-body.ts';
import { lazyInputs, type LazyInputs } from './trpc-inputs.ts';

/** Mutations whose answer is one JSON document: nothing streams. */
const FAST_PROCEDURES = new Set(['enqueue', 'enqueueMany']);
const BASE = '/trpc/';

export interface EnqueueFastPathOptions {
  /** The router whose `enqueue` and `enqueueMany` are called. */
  router: AnyConveyorRouter;
  maxBodyBytes: number;
  maxBatchCalls: number;
  createContext: (
    req: IncomingMessage,
    info: undefined,
    answer: { res: ServerResponse; batched: boolean },
  ) => Promise<Context>;
  onError: (opts: {
    error: TRPCError;
    path: string | undefined;
    input: unknown;
    ctx: Context | undefined;
    type: 'mutation' | 'unknown';
    req: IncomingMessage;
  }) => void;
}

interface FastCall {
  paths: string[];
  batch: { calls: number } | null;
}

type CallResult = [TRPCError, undefined] | [undefined, unknown];

/**
 * `POST /trpc/enqueue` and `/trpc/enqueueMany` (alone or batched with each
 * other) without tRPC's Fetch layer: no `Request`, `Headers`, `URL` or
 * `AbortController` per request. The procedure itself is tRPC's (every
 * middleware runs: observe, error mapping, auth, roles, the input schema),
 * fed the way tRPC's adapter feeds it, and the answer is built as tRPC's
 * `resolveResponse` builds it: same status, headers and bytes (the proof is
 * test/enqueue-fast-path.test.ts). Returns false, touching nothing, for
 * any request it does not take; tRPC's handler answers those.
 */
export function createEnqueueFastPath(
  options: EnqueueFastPathOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  let parsedHost: string | undefined;
  return (req, res) => {
    const call = fastCall(req, options.maxBatchCalls);
    if (!call) return false;
    // tRPC's adapter builds a URL from Host first: one it cannot parse is
    // its 400, so those go to it. Clients repeat one Host: check it once.
    const host = req.headers.host ?? 'localhost';
    if (host !== parsedHost) {
      if (!URL.canParse(BASE, `http://${host}`)) return false;
      parsedHost = host;
    }
    serve(req, res, call, options).catch((cause: unknown) =>
      sendUnexpected(req, res, cause, options),
    );
    return true;
  };
}

/** The calls of a request the fast path takes; null for any other. */
function fastCall(
  req: IncomingMessage,
  maxBatchCalls: number,
): FastCall | null {
  const url = req.url;
  if (req.method !== 'POST' || url === undefined || !url.startsWith(BASE))
    return null;
  // Streaming answers (httpBatchStreamLink) are tRPC's.
  const { accept } = req.headers;
  if (req.headers['trpc-accept'] !== undefined || accept?.includes('jsonl'))
    return null;
  const query = url.indexOf('?');
  if (query === -1) {
    const path = url.slice(BASE.length);
    return FAST_PROCEDURES.has(path) ? { paths: [path], batch: null } : null;
  }
  if (url.slice(query + 1) !== 'batch=1') return null;
  const paths = url.slice(BASE.length, query).split(',');
  if (paths.length > maxBatchCalls) return null;
  if (!paths.every((path) => FAST_PROCEDURES.has(path))) return null;
  return { paths, batch: { calls: paths.length } };
}

/** Every failure of a call is answered as tRPC answers it. */
async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  call: FastCall,
  options: EnqueueFastPathOptions,
): Promise<void> {
  // Read from the start, as tRPC's adapter does: the 413 comes while the
  // body streams in, never after holding more than the limit.
  const inputs = lazyInputs(readBody(req, options.maxBodyBytes), call.batch);
  let ctx: Context | undefined;
  let ctxError: TRPCError | undefined;
  try {
    ctx = await options.createContext(req, undefined, {
      res,
      batched: call.batch !== null,
    });
  } catch (cause) {
    ctxError = getTRPCErrorFromUnknown(cause);
  }
  const results = await Promise.all(
    call.paths.map((path, index) =>
      runCall({ req, path, index, ctx, ctxError, inputs, options }),
    ),
  );
  try {
    const json = call.batch
      ? results.map((result, index) =>
          toResponse(result, call.paths[index], ctx, inputs.result()?.[index]),
        )
      : toResponse(results[0], call.paths[0], ctx, inputs.result()?.[0]);
    const errors = results.map(([error]) => error);
    send(res, getHTTPStatusCode(json, errors), transformAndStringify(json));
  } catch (cause) {
    sendCaught(req, res, cause, ctx, options);
  }
}

async function runCall(opts: {
  req: IncomingMessage;
  path: string;
  index: number;
  ctx: Context | undefined;
  ctxError: TRPCError | undefined;
  inputs: LazyInputs;
  options: EnqueueFastPathOptions;
}): Promise<CallResult> {
  const { path, index, ctx, inputs } = opts;
  try {
    if (opts.ctxError) throw opts.ctxError;
    const data: unknown = await callTRPCProcedure({
      router: opts.options.router,
      path,
      getRawInput: async () => (await inputs.read())[index],
      ctx,
      type: 'mutation',
      // These procedures never read it: nothing of theirs is cancellable.
      signal: undefined,
      batchIndex: index,
    });
    return [undefined, data];
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    opts.options.onError({
      error,
      path,
      input: inputs.result()?.[index],
      ctx,
      type: 'mutation',
      req: opts.req,
    });
    return [error, undefined];
  }
}

function toResponse(
  result: CallResult | undefined,
  path: string | undefined,
  ctx: Context | undefined,
  input: unknown,
): TRPCResponse {
  if (!result) throw new Error('a call without a result');
  const [error, data] = result;
  if (!error) return { result: { data } };
  return {
    error: getErrorShape({ config, ctx, error, input, path, type: 'mutation' }),
  };
}

function transformAndStringify(json: TRPCResponse | TRPCResponse[]): string {
  return JSON.stringify(transformTRPCResponse(config, json));
}

/**
 * The headers tRPC's `resolveResponse` sets, in the order its adapter
 * copies them (a `Headers` iterates sorted), and its framing: one chunk,
 * then the end (chunked transfer encoding, no content-length).
 */
function send(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('vary', 'trpc-accept, accept');
  res.write(body);
  res.end();
}

/** `resolveResponse`'s last resort: an answer that could not be built. */
// eslint-disable-next-line max-params -- 5 params: sendCaught an options object is a follow-up
function sendCaught(
  req: IncomingMessage,
  res: ServerResponse,
  cause: unknown,
  ctx: Context | undefined,
  options: EnqueueFastPathOptions,
): void {
  const error = getTRPCErrorFromUnknown(cause);
  const base = { error, path: undefined, input: undefined, ctx } as const;
  options.onError({ ...base, type: 'mutation', req });
  const json = { error: getErrorShape({ config, ...base, type: 'mutation' }) };
  send(res, getHTTPStatusCode(json, [error]), transformAndStringify(json));
}

/** What tRPC's Node adapter answers when building the answer itself threw. */
function sendUnexpected(
  req: IncomingMessage,
  res: ServerResponse,
  cause: unknown,
  options: EnqueueFastPathOptions,
): void {
  const error = getTRPCErrorFromUnknown(cause);
  const base = { error, path: undefined, input: undefined, ctx: undefined };
  let shape: TRPCErrorShape<{ code: string; httpStatus: number }>;
  try {
    shape = getErrorShape({ config, ...base, type: 'unknown' });
  } catch {
    shape = FALLBACK_SHAPE;
  }
  options.onError({ ...base, type: 'unknown', req });
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = shape.data.httpStatus;
  res.end(JSON.stringify(transformTRPCResponse(config, { error: shape })));
}

const FALLBACK_SHAPE = {
  code: TRPC_ERROR_CODES_BY_KEY.INTERNAL_SERVER_ERROR,
  message: 'Internal server error',
  data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 },
};
