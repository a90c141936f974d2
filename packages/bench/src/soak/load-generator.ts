import { nonEmptyBatch } from '@conveyor/core';
import {
  createConveyorClient,
  isConveyorError,
  type ConveyorClient,
} from '@conveyor/client';
import { Agent, request } from 'node:http';

export interface LoadOptions {
  url: string;
  token: string;
  /** Jobs per `enqueueMany` call (one HTTP request each). */
  batch: number;
  /** `enqueueMany` calls in flight at once. */
  callers: number;
  /** Enqueueing pauses while more jobs than this wait in the queue. */
  maxBacklog: number;
  /** How many jobs wait right now (polled, not per call). */
  backlog(): Promise<number>;
}

/**
 * `fetch` over a `node:http` Agent the soak owns: destroying the agent
 * closes every connection to the API, so each sample sees the API with no
 * client sockets, and a socket the API failed to release would show.
 */
export function agentFetch(agent: Agent): typeof fetch {
  return (input, init) =>
    new Promise((resolve, reject) => {
      const url = input instanceof Request ? input.url : String(input);
      const req = request(
        url,
        {
          method: init?.method ?? 'GET',
          agent,
          headers: Object.fromEntries(new Headers(init?.headers)),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers))
              if (typeof value === 'string') headers.set(name, value);
            resolve(
              new Response(Buffer.concat(chunks), {
                status: res.statusCode ?? 500,
                headers,
              }),
            );
          });
        },
      );
      req.on('error', reject);
      req.end(typeof init?.body === 'string' ? init.body : undefined);
    });
}

/**
 * Enqueues TEST_JOBs through the API with the typed client, `callers`
 * batches in flight, holding back while the backlog is above `maxBacklog`.
 */
export class LoadGenerator {
  /** Jobs the API accepted (200). */
  enqueued = 0;
  /** Jobs of batches whose outcome is unknown: a 503 or a lost connection. */
  uncertainJobs = 0;
  private agent: Agent | undefined;
  private client: ConveyorClient | undefined;

  constructor(private readonly options: LoadOptions) {}

  /** Enqueues until `target` jobs have been sent in all; resolves when the API has accepted them. */
  async enqueueUpTo(target: number): Promise<void> {
    const client = this.connect();
    let backlog = await this.options.backlog();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        backlog = await this.options.backlog();
      }
    })();
    try {
      await Promise.all(
        Array.from({ length: this.options.callers }, async () => {
          while (this.enqueued < target) {
            if (backlog > this.options.maxBacklog) {
              await new Promise((resolve) => setTimeout(resolve, 50));
              continue;
            }
            const count = Math.min(this.options.batch, target - this.enqueued);
            const first = this.enqueued;
            this.enqueued += count;
            backlog += count;
            try {
              await client.enqueueMany.mutate({
                jobs: nonEmptyBatch(
                  Array.from({ length: count }, (_, i) => ({
                    name: 'TEST_JOB' as const,
                    data: { message: `soak ${first + i}` },
                  })),
                ),
              });
            } catch (error) {
              if (!isUncertain(error)) throw error;
              // Not counted: the batch may or may not exist. The drain
              // still waits for it, so the next sample is as idle as any.
              this.enqueued -= count;
              this.uncertainJobs += count;
              await new Promise((resolve) => setTimeout(resolve, 500));
            }
          }
        }),
      );
    } finally {
      polling = false;
      await poller;
    }
  }

  /** Closes every connection to the API (the next enqueue opens new ones). */
  disconnect(): void {
    this.agent?.destroy();
    this.agent = undefined;
    this.client = undefined;
  }

  private connect(): ConveyorClient {
    if (this.client) return this.client;
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: this.options.callers,
      // Idle sockets close on our side well before the API's keep-alive
      // timeout (5 s): reusing one the server is closing is an ECONNRESET,
      // and an enqueueMany is not retried (it could enqueue twice).
      timeout: 2_000,
    });
    this.client = createConveyorClient({
      url: this.options.url,
      token: this.options.token,
      fetch: agentFetch(this.agent),
      // One enqueueMany per HTTP request: `batch` jobs each.
      maxBatchSize: 1,
    });
    return this.client;
  }
}

/**
 * A 503 (the API's Redis deadline passed: OUTCOME_UNKNOWN, QUEUE_UNAVAILABLE)
 * or no HTTP answer at all: on a starved machine these happen, and are not
 * what a soak measures. Anything else (a 4xx) is a bug in the soak.
 */
export function isUncertain(error: unknown): boolean {
  if (!isConveyorError(error)) return false;
  const status = error.data?.httpStatus;
  return status === undefined || status === 503;
}
