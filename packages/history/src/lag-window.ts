/** The last `size` samples, for percentiles of a recent window. */
export class LagWindow {
  private readonly samples: number[] = [];
  private next = 0;

  constructor(private readonly size = 10_000) {}

  add(value: number): void {
    if (this.samples.length < this.size) this.samples.push(value);
    else this.samples[this.next] = value;
    this.next = (this.next + 1) % this.size;
  }

  summary(): { p50: number; p99: number; max: number; samples: number } {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      p50: at(0.5),
      p99: at(0.99),
      max: sorted.at(-1) ?? 0,
      samples: sorted.length,
    };
  }
}
