import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import { START_GATE_SCRIPT } from './flow-scripts.ts';

/** One attempt's start to gate: the job, its plan's `cvf` and priority, its lock token. */
export interface GateRequest {
  id: string;
  cvf: string;
  priority: number;
  token: string;
}

/** `['run', lease]`, `['held']` or `['lost']` (flow-scripts.ts); a gate that failed rejects instead. */
export type GateVerdict = unknown[];

interface Pending {
  request: GateRequest;
  resolve(verdict: GateVerdict): void;
  reject(error: unknown): void;
}

export interface StartGateBatchOptions {
  redis: Redis;
  keys: Keyspace;
  queue: string;
  graceMs: number;
}

/** Starts per script call: bounded, so one call never blocks Redis for long. */
const MAX_BATCH = 100;

/**
 * Sends the start gates asked for in one event-loop turn as one script
 * call. A worker at high concurrency starts several jobs per turn (BullMQ
 * hands the next job with each finish): one round trip, one script run and
 * one reply instead of one each. The script gates them in order, each as
 * if alone, so a verdict is the one a call of its own would have had.
 */
export class StartGateBatch {
  private pending: Pending[] = [];

  constructor(private readonly options: StartGateBatchOptions) {}

  ask(request: GateRequest): Promise<GateVerdict> {
    return new Promise((resolve, reject) => {
      if (this.pending.push({ request, resolve, reject }) === 1)
        setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += MAX_BATCH)
      void this.send(all.slice(i, i + MAX_BATCH));
  }

  private async send(batch: Pending[]): Promise<void> {
    const { redis, keys, queue, graceMs } = this.options;
    try {
      const args: (string | number)[] = [keys.queueKeyPrefix(queue), graceMs];
      for (const { request: r } of batch)
        args.push(r.id, r.cvf, r.priority, r.token);
      const verdicts = (await START_GATE_SCRIPT.run(
        redis,
        [keys.bull(queue, 'active'), keys.bull(queue, 'stalled')],
        args,
      )) as unknown[];
      batch.forEach((p, i) => settle(p, verdicts[i]));
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}

/** A job's own verdict; its gate's failure, or none at all, is its own rejection. */
function settle(pending: Pending, verdict: unknown): void {
  if (!Array.isArray(verdict) || verdict.length === 0)
    pending.reject(new Error('start gate: no verdict for this job'));
  else if (verdict[0] === 'error')
    pending.reject(new Error(`start gate: ${String(verdict[1])}`));
  else pending.resolve(verdict);
}
