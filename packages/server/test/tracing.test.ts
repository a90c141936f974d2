import { createConveyorClient } from '@conveyor/client';
import {
  deletePrefix,
  spawnTsProcess,
  uniquePrefix,
  waitFor,
  type TsProcess,
} from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { FixtureRouter } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** One span as OTLP/HTTP JSON carries it, with its service's name. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  status?: { code?: number };
}

interface KeyValue {
  key: string;
  value: Record<string, unknown>;
}

interface ExportRequest {
  resourceSpans: {
    resource: { attributes: KeyValue[] };
    scopeSpans: {
      spans: (Omit<ReceivedSpan, 'service' | 'attributes'> & {
        attributes?: KeyValue[];
      })[];
    }[];
  }[];
}

/** A collector's OTLP/HTTP endpoint, in miniature: keeps every span posted to /v1/traces. */
async function startReceiver(): Promise<{
  server: Server;
  url: string;
  spans: ReceivedSpan[];
}> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces')
        spans.push(
          ...flatten(
            JSON.parse(Buffer.concat(chunks).toString()) as ExportRequest,
          ),
        );
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, spans };
}

function flatten(body: ExportRequest): ReceivedSpan[] {
  return body.resourceSpans.flatMap(({ resource, scopeSpans }) => {
    const service = String(values(resource.attributes)['service.name']);
    return scopeSpans.flatMap(({ spans }) =>
      spans.map((span) => ({
        ...span,
        service,
        attributes: values(span.attributes ?? []),
      })),
    );
  });
}

function values(attributes: KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(
    attributes.map(({ key, value }) => [key, Object.values(value)[0]]),
  );
}

describe('one trace across the API and worker processes (OTLP)', () => {
  const prefix = uniquePrefix('tracing');
  const processes: TsProcess[] = [];
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    receiver?.server.close();
    await deletePrefix(redisUrl, prefix);
  });

  function spawn(entry: string, otlp: string): TsProcess {
    const { CONVEYOR_ADMIN_TOKEN: _unset, ...env } = process.env;
    const child = spawnTsProcess(here(entry), {
      env: {
        ...env,
        REDIS_URL: redisUrl,
        CONVEYOR_PREFIX: prefix,
        API_HOST: '127.0.0.1',
        API_PORT: '0',
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    processes.push(child);
    return child;
  }

  it('links the caller’s span, the API request, the enqueue, the wait and the attempt', async () => {
    receiver = await startReceiver();
    const api = spawn('fixtures/fixture-api.ts', receiver.url);
    const worker = spawn(
      '../../worker/test/fixtures/catalog-daemon.ts',
      receiver.url,
    );
    const listening = await api.waitForLine(
      (l) => typeof l.record?.url === 'string',
      60_000,
    );
    await worker.waitForLine(
      (l) => l.record?.msg === 'Conveyor worker ready',
      60_000,
    );
    expect(
      api.lines.some(
        (l) => l.record?.msg === 'tracing on: spans exported by OTLP',
      ),
    ).toBe(true);

    // The caller's side: its own OpenTelemetry would put the active span's
    // context in this header, through the client's `headers` option.
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const client = createConveyorClient<FixtureRouter>({
      url: String(listening.record?.url),
      headers: () => ({ traceparent: `00-${traceId}-${callerSpanId}-01` }),
    });
    const { id } = await client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'traced' },
    });

    const spans = receiver.spans;
    const named = (name: string) =>
      spans.find((s) => s.traceId === traceId && s.name === name);
    const process = await waitFor(
      () => named('conveyor.process TEST_JOB'),
      15_000,
      'the worker’s span',
    );
    const request = await waitFor(
      () =>
        spans.find(
          (s) => s.traceId === traceId && s.parentSpanId === callerSpanId,
        ),
      15_000,
      'the API’s request span',
    );
    const enqueue = named('conveyor.enqueue');
    const wait = named('conveyor.wait');

    expect(request).toMatchObject({
      service: 'conveyor-api',
      name: 'POST /trpc/enqueue',
      kind: 2, // SERVER
      attributes: { 'http.response.status_code': 200 },
    });
    expect(enqueue).toMatchObject({
      service: 'conveyor-api',
      parentSpanId: request.spanId,
      kind: 4, // PRODUCER
      attributes: { 'conveyor.job.id': id, 'conveyor.job.name': 'TEST_JOB' },
    });
    expect(process).toMatchObject({
      service: 'conveyor-worker',
      parentSpanId: enqueue?.spanId,
      kind: 5, // CONSUMER
      attributes: {
        'conveyor.job.id': id,
        'conveyor.job.name': 'TEST_JOB',
        'messaging.destination.name': 'default',
        'conveyor.attempt': 1,
        'conveyor.outcome': 'completed',
      },
    });
    expect(
      Number(process.attributes['conveyor.queue.wait_ms']),
    ).toBeGreaterThanOrEqual(0);
    expect(wait).toMatchObject({
      service: 'conveyor-worker',
      parentSpanId: enqueue?.spanId,
    });
    // The wait ends where the attempt begins.
    expect(BigInt(wait?.endTimeUnixNano ?? 0)).toBeLessThanOrEqual(
      BigInt(process.startTimeUnixNano) + 1_000_000n,
    );
    // The run story links the trace (from the envelope; history is off here).
    const story = await client.history.story.query({ id });
    expect(story.traceId).toBe(traceId);
    expect(story.live?.traceparent).toContain(traceId);
  }, 60_000);
});
