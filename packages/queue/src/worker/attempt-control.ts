import { AttemptTimeoutError } from './attempt-timeout-error.ts';

export type Settled =
  { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * One running attempt: what a cancel, a lost lock and the deadline act on,
 * and the processor's abort signal. The signal is made on first use: on
 * Node 20 an AbortSignal with a listener costs more than a no-op job, and
 * most processors never read it. An abort before then is remembered, so a
 * signal read later is already aborted with the same reason.
 */
export class AttemptControl {
  /** Set by a cancel request (not a lost lock): the job ends cancelled. */
  cancelled: string | undefined;
  /** Set when the deadline passed, before the signal aborts. */
  timedOut: AttemptTimeoutError | undefined;
  /** When the deadline passes (performance.now()). */
  deadline = 0;
  private controller: AbortController | undefined;
  private aborted = false;
  private reason: unknown;
  private deadlines: Deadlines | undefined;
  private finish: ((settled: Settled | null) => void) | undefined;

  constructor(readonly queue: string) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Aborts the processor's signal (once; later reasons are ignored). */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }

  /**
   * Runs `call` under the deadline of its timeout's list: its outcome, or
   * null when the deadline came first (the signal aborts with an
   * AttemptTimeoutError, set in `timedOut` before). What it settles with
   * after that goes to `late`. One promise per attempt, no timer of its own.
   */
  run(
    call: () => Promise<unknown>,
    deadlines: Deadlines,
    late: (settled: Settled) => void,
  ): Promise<Settled | null> {
    const outcome = new Promise<Settled | null>((resolve) => {
      this.finish = resolve;
    });
    this.deadlines = deadlines;
    deadlines.add(this);
    let running: Promise<unknown>;
    try {
      running = Promise.resolve(call());
    } catch (error) {
      // A processor that throws before returning a promise settles here too.
      this.settle({ ok: false, error }, late);
      return outcome;
    }
    running.then(
      (value) => this.settle({ ok: true, value }, late),
      (error: unknown) => this.settle({ ok: false, error }, late),
    );
    return outcome;
  }

  private settle(settled: Settled, late: (settled: Settled) => void): void {
    const finish = this.finish;
    if (!finish) return late(settled);
    this.finish = undefined;
    this.deadlines?.delete(this);
    finish(settled);
  }

  /** Called by its deadline list once the deadline has passed. */
  expire(timeoutMs: number): void {
    const finish = this.finish;
    if (!finish) return;
    this.finish = undefined;
    this.timedOut = new AttemptTimeoutError(timeoutMs);
    this.abort(this.timedOut);
    finish(null);
  }
}

/**
 * The deadlines of running attempts that share one timeout. They pass in
 * the order the attempts started, so one timer, set for the oldest, serves
 * them all: a busy worker adds and deletes Set entries instead of making
 * and clearing a timer per attempt. The timer is not cleared when the last
 * attempt ends (with fast jobs that is nearly every job): it fires once
 * more for nothing. It is unref'd: a running attempt keeps the process
 * alive by its worker's Redis connection and lock timer anyway.
 */
export class Deadlines {
  private readonly running = new Set<AttemptControl>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  add(control: AttemptControl): void {
    control.deadline = performance.now() + this.timeoutMs;
    this.running.add(control);
    if (!this.timer) this.arm(control.deadline);
  }

  delete(control: AttemptControl): void {
    this.running.delete(control);
  }

  private arm(at: number): void {
    const wait = Math.max(1, Math.ceil(at - performance.now()));
    this.timer = setTimeout(() => this.expire(), wait).unref();
  }

  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    // Oldest first: the first one not due yet sets the next wake-up.
    for (const control of this.running) {
      if (control.deadline > now) return this.arm(control.deadline);
      this.running.delete(control);
      control.expire(this.timeoutMs);
    }
  }
}
