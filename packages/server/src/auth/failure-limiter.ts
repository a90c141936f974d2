import {
  DEFAULT_FAILURE_LIMITS,
  type FailureLimiterOptions,
} from './failure-limiter-options.ts';

interface FailureWindow {
  failures: number;
  endsAt: number;
}

/**
 * A fixed-window count of failed authentications per client address, in
 * memory (per API process). Windows all have one length and are inserted
 * when they open, so the Map's insertion order is also their end order:
 * the first entry is always the oldest, and dropping it at the cap keeps
 * memory bounded in O(1).
 */
export class FailureLimiter {
  private readonly windows = new Map<string, FailureWindow>();
  private readonly options: FailureLimiterOptions;

  constructor(options: Partial<FailureLimiterOptions> = {}) {
    this.options = { ...DEFAULT_FAILURE_LIMITS, ...options };
  }

  /** How long `address` must wait before it is checked again; 0 when it may try now. */
  retryAfterMs(address: string): number {
    const window = this.current(address);
    if (!window || window.failures < this.options.maxFailures) return 0;
    return window.endsAt - this.options.now();
  }

  /** Counts one failed attempt from `address`. */
  fail(address: string): void {
    const window = this.current(address);
    if (window) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= this.options.maxAddresses) {
      const [oldest] = this.windows.keys();
      if (oldest !== undefined) this.windows.delete(oldest);
    }
    const endsAt = this.options.now() + this.options.windowMs;
    this.windows.set(address, { failures: 1, endsAt });
  }

  /** Addresses remembered now (for tests of the bound). */
  get size(): number {
    return this.windows.size;
  }

  private current(address: string): FailureWindow | undefined {
    const window = this.windows.get(address);
    if (window && window.endsAt <= this.options.now()) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }
}
