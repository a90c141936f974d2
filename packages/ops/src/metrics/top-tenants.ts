import type { HeldBacklogRow } from '@conveyor/queue';
import { LabelBound, OTHER_LABEL } from './label-bound.ts';

/** Tenants named in flow-control metrics by default; the rest are `other`. */
export const DEFAULT_TOP_TENANTS = 20;

/**
 * Which tenants flow-control metrics name: the `limit` with the largest
 * held backlog at the last read; every other tenant is `other`. Bounded
 * because each label value is a time series that lives as long as the
 * process (and in Prometheus for its retention): one per tenant would grow
 * with the number of tenants, which nobody bounds. The tenants worth a
 * series of their own are the ones being held back. The top changes over
 * time, so the distinct names ever given are bounded too (`limit` × 5).
 */
export class TopTenants {
  private top: ReadonlySet<string> = new Set();
  private readonly ever: LabelBound;

  constructor(readonly limit: number = DEFAULT_TOP_TENANTS) {
    this.ever = new LabelBound(new Set(), limit * 5);
  }

  /** From a backlog read: the tenants with the most held jobs, over every queue. */
  update(rows: readonly HeldBacklogRow[]): void {
    const totals = new Map<string, number>();
    for (const { tenant, held } of rows)
      totals.set(tenant, (totals.get(tenant) ?? 0) + held);
    this.top = new Set(
      [...totals]
        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
        .slice(0, this.limit)
        .map(([tenant]) => tenant),
    );
  }

  /** The tenant's label: itself while in the top, else `other`. */
  label(tenant: string): string {
    return this.top.has(tenant) ? this.ever.label(tenant) : OTHER_LABEL;
  }
}
