import { LabelBound } from './label-bound.ts';
import type { JobLabelOptions } from './metrics-options.ts';

const DEFAULT_MAX_TENANTS = 1_000;

/**
 * The label names and values job metrics share: `queue` and `job` from the
 * contract (a name it does not declare, from a foreign producer, is
 * `other`), and `tenant` only when asked for, itself bounded.
 */
export class JobLabels {
  readonly names: readonly string[];
  private readonly queues: LabelBound;
  private readonly jobs: LabelBound;
  private readonly tenants: LabelBound | undefined;

  constructor(options: JobLabelOptions) {
    const { registry } = options;
    this.queues = new LabelBound(new Set(registry.queues), 0);
    this.jobs = new LabelBound(new Set(registry.names), 0);
    this.tenants = options.tenantLabels
      ? new LabelBound(new Set(), options.maxTenants ?? DEFAULT_MAX_TENANTS)
      : undefined;
    this.names = this.tenants ? ['queue', 'job', 'tenant'] : ['queue', 'job'];
  }

  /** Label values in the order of `names`. */
  values(queue: string, job: string, tenant: string | null): string[] {
    const values = [this.queues.label(queue), this.jobs.label(job)];
    if (this.tenants) values.push(this.tenants.label(tenant ?? ''));
    return values;
  }

  /** The tenant label alone (request metrics), or undefined when off. */
  tenant(tenant: string | null): string | undefined {
    return this.tenants?.label(tenant ?? '');
  }
}
