import type { ChainableCommander, Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import type { TenantJob } from '../producer/tenant-job.ts';
import { planFlow } from './flow-plan.ts';
import { HOLD_LUA } from './flow-scripts.ts';

type HoldCommander = ChainableCommander & {
  cvFlowHold(...args: (string | number)[]): ChainableCommander;
};

/**
 * The producer's side of flow control: a job with a flow spec goes to its
 * lane in the same transaction that adds it, so no worker can take it
 * before the dispatch does. A script defined on the connection (not an
 * EVAL per job): ioredis sends it once per socket, then its SHA.
 */
export class FlowHold {
  constructor(
    redis: Redis,
    private readonly keys: Keyspace,
  ) {
    if (!('cvFlowHold' in redis))
      redis.defineCommand('cvFlowHold', { numberOfKeys: 2, lua: HOLD_LUA });
  }

  /** The hook for one job's add, or undefined when the job has no flow spec. */
  hook(prepared: TenantJob): ((multi: ChainableCommander) => void) | undefined {
    if (prepared.flowKey === null) return undefined;
    const { job, tenant, id } = prepared;
    const plan = planFlow(
      job,
      tenant,
      prepared.flowKey,
      prepared.bullOptions.priority,
    );
    if (!plan) return undefined;
    const { queue } = job;
    return (multi) => {
      (multi as HoldCommander).cvFlowHold(
        this.keys.bull(queue, 'wait'),
        this.keys.bull(queue, 'prioritized'),
        this.keys.queueKeyPrefix(queue),
        id,
        plan.cvf,
        plan.priority,
      );
    };
  }
}
