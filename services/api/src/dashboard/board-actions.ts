import type { BaseAdapter } from '@bull-board/api/baseAdapter';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { envelopeTenant } from '@conveyor/queue';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal.ts';
import type { QueueService } from '../queue-service.ts';
import { toTRPCError } from '../to-trpc-error.ts';
import { parseAddJob } from './add-job.ts';
import { readBody } from './read-body.ts';

const CONVEYOR_OPTIONS = new Set([
  'delay',
  'priority',
  'attempts',
  'backoff',
  'idempotencyKey',
]);

/**
 * The board's own actions that would bypass Conveyor's bookkeeping (the
 * tenant's quota ledger, the run number in the envelope, validation) go
 * through `QueueService` instead: retrying a job, adding one. Those that
 * cannot be made safe are refused. Returns false for every other request,
 * which Bull Board then serves as it is.
 */
export function boardAction(
  req: IncomingMessage,
  res: ServerResponse,
  context: {
    api: string[];
    queues: QueueService;
    adapters: ReadonlyMap<string, BaseAdapter>;
    principal: Principal;
  },
): Promise<void> | false {
  const [queueName, second, third] = context.api;
  const adapter = queueName ? context.adapters.get(queueName) : undefined;
  if (req.method === 'GET' || !adapter || !second) return false;
  if (adapter.readOnlyMode) return false; // the board answers 405 itself
  if (req.method === 'PUT' && third === 'retry' && second !== 'retry')
    return retry(res, adapter, second, context);
  if (req.method === 'POST' && second === 'add' && !third)
    return add(req, res, queueName ?? '', context);
  if (refused(req.method, second, third)) {
    sendJson(res, 405, {
      error: { key: 'ERRORS.FORBIDDEN' },
      message:
        'Not from the dashboard: it would bypass Conveyor (quotas, envelopes, contract schedules). Use the API or `conveyor` for this.',
    });
    return Promise.resolve();
  }
  return false;
}

/** Bulk retry, emptying, obliterating, editing stored data, changing contract schedules. */
function refused(method = '', second: string, third?: string): boolean {
  if (second === 'retry' || second === 'empty' || second === 'obliterate')
    return true;
  if (second === 'job-schedulers') return true;
  return method === 'PATCH' && third === 'update-data';
}

async function retry(
  res: ServerResponse,
  adapter: BaseAdapter,
  id: string,
  context: { queues: QueueService; principal: Principal },
): Promise<void> {
  const job = await adapter.getJob(id);
  if (!job) {
    sendJson(res, 404, { error: { key: 'ERRORS.JOB_NOT_FOUND' } });
    return;
  }
  // The job's own tenant: an admin steers any tenant's job, as `x-conveyor-tenant` allows.
  const tenant = envelopeTenant(job.toJSON().data);
  await answer(res, 204, () =>
    context.queues.retry(id, { principal: context.principal, tenant }),
  );
}

async function add(
  req: IncomingMessage,
  res: ServerResponse,
  queueName: string,
  context: { queues: QueueService; principal: Principal },
): Promise<void> {
  const text = await readBody(req, 1024 * 1024);
  const body = parseJson(text ?? '') as {
    name?: unknown;
    data?: unknown;
    options?: Record<string, unknown>;
  } | null;
  const options = Object.fromEntries(
    Object.entries(body?.options ?? {}).filter(([k]) =>
      CONVEYOR_OPTIONS.has(k),
    ),
  );
  const parsed = parseAddJob(context.queues.registry, {
    name: body?.name,
    data: body?.data,
    options,
  });
  if (!parsed.success || parsed.data.queue !== queueName) {
    sendJson(res, 400, {
      error: { key: 'ERRORS.INVALID_REQUEST_BODY' },
      message: parsed.success
        ? `${String(body?.name)} belongs to the ${parsed.data.queue} queue`
        : parsed.message,
    });
    return;
  }
  const { principal } = context;
  await answer(res, 200, async () => {
    const job = await context.queues.enqueueParsed(parsed.data.request, {
      principal,
      tenant: principal.tenantId,
    });
    return { job: { id: job.id, name: job.name }, status: 'waiting' };
  });
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
    sendJson(res, getHTTPStatusCodeFromError(trpc), {
      error: { key: 'ERRORS.INVALID_REQUEST_BODY' },
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
