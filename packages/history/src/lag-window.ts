/** The last `size` samples, for percentiles of a recent window. */
export class LagWindow {
  private readonly samples: number[] = [];
  private next = 0;
  /** The last summary, until a sample arrives: stats are polled more often than batches land. */
  private summarized: ReturnType<LagWindow['summary']> | undefined;

  constructor(private readonly size = 10_000) {}

  add(value: number): void {
    if (this.samples.length < this.size) this.samples.push(value);
    else this.samples[this.next] = value;
    this.next = (this.next + 1) % this.size;
    this.summarized = undefined;
  }

  summary(): { p50: number; p99: number; max: number; samples: number } {
    if (this.summarized) return { ...this.summarized };
    // A typed copy sorts numerically without a comparator call per step.
    const sorted = Float64Array.from(this.samples).sort();
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    this.summarized = {
      p50: at(0.5),
      p99: at(0.99),
      max: sorted.at(-1) ?? 0,
      samples: sorted.length,
    };
    return { ...this.summarized };
  }
}
