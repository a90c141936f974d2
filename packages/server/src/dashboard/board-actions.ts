import type { BaseAdapter } from '@bull-board/api/baseAdapter';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { envelopeTenant } from '@conveyor/queue';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal.ts';
import type { ConveyorServices } from '../domain/create-services.ts';
import { toTRPCError } from '../to-trpc-error.ts';
import { addJobName, parseAddJob } from './add-job.ts';
import { retryAllFailed } from './board-retry-all.ts';
import { readBody } from './read-body.ts';

const CONVEYOR_OPTIONS = new Set([
  'delay',
  'priority',
  'attempts',
  'backoff',
  'idempotencyKey',
]);

/** How a state-changing call to the board's API is served. */
type BoardRoute = 'board' | 'refuse' | 'add' | 'retry' | 'retryAll' | 'remove';

const QUEUE_SETTINGS = new Set([
  'promote',
  'pause',
  'resume',
  'concurrency',
  'rate-limit',
]);
const JOB_SETTINGS = new Set(['delay', 'priority']);
/** Cleaning these only drops finished jobs; no tenant's ledger counts them. */
const CLEANABLE = new Set(['completed', 'failed']);

/**
 * The board's own actions that would bypass Conveyor's bookkeeping (the
 * tenant's quota ledger, the run number in the envelope, validation, job
 * history) go through the API's services instead: retrying a job, removing an
 * unfinished one (a cancel), adding one. A call that changes state and is
 * not known to be harmless is refused. `api` is the path below `/api`, as
 * `boardPath` reads it. Resolves false when Bull Board may serve the call
 * as it is.
 */
export async function boardAction(
  req: IncomingMessage,
  res: ServerResponse,
  context: {
    api: { segments: string[]; words: string[] };
    readOnly: boolean;
    services: ConveyorServices;
    adapters: ReadonlyMap<string, BaseAdapter>;
    principal: Principal;
  },
): Promise<boolean> {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') return false;
  const { segments, words } = context.api;
  const route = context.readOnly ? 'refuse' : classify(method, segments, words);
  if (route === 'board') return false;
  if (route === 'refuse') {
    refuse(res);
    return true;
  }
  const queueName = segments[1] ?? '';
  const adapter = context.adapters.get(queueName);
  if (!adapter) {
    sendJson(res, 404, { error: { key: 'ERRORS.QUEUE_NOT_FOUND' } });
    return true;
  }
  if (route === 'add') await add(req, res, queueName, context);
  else if (route === 'retryAll')
    sendJson(res, 200, await retryAllFailed(adapter, context));
  else await steer(res, adapter, route, segments[2] ?? '', context);
  return true;
}

/** Mirrors Bull Board's routes below `/api`, in its router's order. */
function classify(
  method: string,
  segments: string[],
  words: string[],
): BoardRoute {
  if (words[0] !== 'queues') return 'refuse';
  const [, first, second, third] = words;
  const arity = words.length - 1;
  if (method === 'POST')
    return arity === 2 && second === 'add' ? 'add' : 'refuse';
  if (method === 'PATCH')
    return arity === 3 &&
      second !== 'job-schedulers' &&
      JOB_SETTINGS.has(third ?? '')
      ? 'board'
      : 'refuse';
  if (method !== 'PUT') return 'refuse';
  if (arity === 1)
    return first === 'pause' || first === 'resume' ? 'board' : 'refuse';
  if (arity === 2) return QUEUE_SETTINGS.has(second ?? '') ? 'board' : 'refuse';
  if (arity !== 3) return 'refuse';
  // Retry all: failed jobs only, each through Conveyor (`board-retry-all.ts`).
  if (second === 'retry') return words[3] === 'failed' ? 'retryAll' : 'refuse';
  // The state is Bull Board's parameter, passed on as it is written.
  if (second === 'clean')
    return CLEANABLE.has(segments[3] ?? '') ? 'board' : 'refuse';
  if (second === 'rate-limit' && third === 'release') return 'board';
  if (third === 'retry') return 'retry';
  if (third === 'clean') return 'remove';
  if (third === 'promote' || third === 'remove-unprocessed-children')
    return 'board';
  return 'refuse';
}

function refuse(res: ServerResponse): void {
  sendJson(res, 405, {
    error: { key: 'ERRORS.FORBIDDEN' },
    message:
      'Not from the dashboard: it would bypass Conveyor (quotas, envelopes, history, contract schedules). Use the API or `conveyor` for this.',
  });
}

/** Retry, or remove (a cancel unless the job is finished), for the job's own tenant. */
// eslint-disable-next-line max-params -- 5 params: steer an options object is a follow-up
async function steer(
  res: ServerResponse,
  adapter: BaseAdapter,
  route: 'retry' | 'remove',
  id: string,
  context: { services: ConveyorServices; principal: Principal },
): Promise<void> {
  const job = await adapter.getJob(id);
  if (!job) {
    sendJson(res, 404, { error: { key: 'ERRORS.JOB_NOT_FOUND' } });
    return;
  }
  // The job's own tenant: an admin steers any tenant's job, as `x-conveyor-tenant` allows.
  const caller = {
    principal: context.principal,
    tenant: envelopeTenant(job.toJSON().data),
  };
  if (route === 'retry')
    return answer(res, 204, () => context.services.control.retry(id, caller));
  const state = await job.getState();
  if (state === 'completed' || state === 'failed') {
    await job.remove();
    sendJson(res, 204, undefined);
    return;
  }
  await answer(res, 204, () => context.services.control.cancel(id, caller));
}

async function add(
  req: IncomingMessage,
  res: ServerResponse,
  queueName: string,
  context: { services: ConveyorServices; principal: Principal },
): Promise<void> {
  const text = await readBody(req, 1024 * 1024);
  if (text === null) {
    sendJson(res, 413, {
      error: { key: 'ERRORS.INVALID_REQUEST_BODY', options: { field: 'data' } },
      message: 'That job is too large for the dashboard (1 MiB at most).',
    });
    return;
  }
  const body = parseJson(text) as {
    name?: unknown;
    data?: unknown;
    options?: Record<string, unknown>;
  } | null;
  const options = Object.fromEntries(
    Object.entries(body?.options ?? {}).filter(([k]) =>
      CONVEYOR_OPTIONS.has(k),
    ),
  );
  const { registry } = context.services;
  const named = addJobName(registry, queueName, body?.name);
  if ('message' in named) return invalid(res, 'name', named.message);
  const parsed = parseAddJob(registry, {
    name: named.name,
    data: body?.data,
    options,
  });
  if (!parsed.success) return invalid(res, parsed.field, parsed.message);
  if (parsed.data.queue !== queueName)
    return invalid(
      res,
      'name',
      `${String(named.name)} belongs to the ${parsed.data.queue} queue`,
    );
  const { principal } = context;
  await answer(res, 200, async () => {
    const job = await context.services.enqueue.enqueueParsed(
      parsed.data.request,
      {
        principal,
        tenant: principal.tenantId,
        via: 'dashboard',
      },
    );
    return { job: { id: job.id, name: job.name }, status: 'waiting' };
  });
}

/** A 400 in the board's shape: the headline names the field, the detail is Conveyor's message. */
function invalid(res: ServerResponse, field: string, message: string): void {
  sendJson(res, 400, {
    error: { key: 'ERRORS.INVALID_REQUEST_BODY', options: { field } },
    message,
  });
}

/** The board's headline for one of Conveyor's refusals; the message says the rest. */
function errorKey(status: number) {
  if (status === 404) return { key: 'ERRORS.JOB_NOT_FOUND' };
  if (status === 400)
    return { key: 'ERRORS.INVALID_REQUEST_BODY', options: { field: 'data' } };
  return { key: 'ERRORS.FORBIDDEN' };
}

/** Conveyor's answer in the board's error shape, with the API's status codes. */
async function answer(
  res: ServerResponse,
  status: number,
  run: () => Promise<unknown>,
): Promise<void> {
  try {
    const body = await run();
    sendJson(res, status, status === 204 ? undefined : body);
  } catch (error) {
    const trpc = toTRPCError(error);
    if (trpc.code === 'INTERNAL_SERVER_ERROR') throw error;
    const status = getHTTPStatusCodeFromError(trpc);
    sendJson(res, status, {
      error: errorKey(status),
      message: trpc.message,
      code: trpc.code,
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown) {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
