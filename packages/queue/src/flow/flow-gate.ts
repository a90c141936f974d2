import { openPayload } from '../sensitive/payload-sealer.ts';
import { readStoredPayload, type AnyRegistry } from '@conveyor/core';
import { DelayedError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import { envelopeTenant } from '../tenancy/envelope-tenant.ts';
import type { FlowDispatcher } from './flow-dispatcher.ts';
import { flowKey, planFlow, type FlowPlan } from './flow-plan.ts';
import { RELEASE_SCRIPT } from './flow-scripts.ts';
import { StartGateBatch } from './start-gate-batch.ts';

export interface FlowGateOptions {
  redis: Redis;
  keys: Keyspace;
  registry: AnyRegistry;
  queue: string;
  dispatcher: FlowDispatcher;
  /** How long a dispatched job keeps its slot before it starts (ms). */
  graceMs: number;
}

/**
 * The worker's side of flow control, around each attempt of a job with a
 * flow spec: the start gate (run, or back to the lane without spending an
 * attempt), then the slot's release as soon as the attempt ends, whatever
 * its outcome; both nudge the dispatcher.
 */
export class FlowGate {
  private readonly starts: StartGateBatch;

  constructor(private readonly options: FlowGateOptions) {
    this.starts = new StartGateBatch(options);
  }

  /** Whether attempts of this job pass the gate (a synchronous check: others pay nothing). */
  concerns(job: Job): boolean {
    return this.options.registry.get(job.name)?.flow != null;
  }

  async run<T>(
    job: Job,
    token: string | undefined,
    attempt: () => Promise<T>,
  ): Promise<T> {
    const plan = this.plan(job);
    // A payload the contract cannot read is the attempt's to fail.
    if (!plan) return attempt();
    const verdict = await this.start(job, plan, token ?? '');
    if (verdict[0] !== 'run') {
      this.options.dispatcher.nudge();
      // BullMQ leaves a job alone after a DelayedError: the script has
      // already put it back in its lane (or another worker holds it).
      throw new DelayedError('held by flow control');
    }
    const lease = Number(verdict[1]);
    try {
      return await attempt();
    } finally {
      if (lease !== 0) await this.release(job, plan, lease);
      this.options.dispatcher.nudge();
    }
  }

  private plan(job: Job): FlowPlan | null {
    const definition = this.options.registry.get(job.name);
    if (!definition) return null;
    try {
      // The key comes from the payload as the processor will see it: an
      // older one upcast (the version gate runs first, so never a newer one).
      const stored = readStoredPayload(definition, job.data, (sealed) =>
        openPayload(definition, 'data', sealed),
      );
      if (stored.kind === 'newer') return null;
      const key = flowKey(definition, stored.payload);
      return planFlow(
        definition,
        envelopeTenant(job.data),
        key,
        job.opts.priority,
      );
    } catch {
      return null;
    }
  }

  private start(job: Job, plan: FlowPlan, token: string): Promise<unknown[]> {
    const { cvf, priority } = plan;
    return this.starts.ask({ id: job.id ?? '', cvf, priority, token });
  }

  /** Best effort: a release that fails leaves a slot the sweep frees once the lock has lapsed. */
  private async release(job: Job, plan: FlowPlan, lease: number) {
    const { redis, keys, queue } = this.options;
    await RELEASE_SCRIPT.run(
      redis,
      [`${keys.flowPrefix(queue)}slots:${plan.lane}`],
      [keys.queueKeyPrefix(queue), job.id ?? '', plan.lane, lease],
    ).catch(() => undefined);
  }
}
