import type { BenchContext, Sample, Side } from './context.ts';

export interface Goal {
  metric: string;
  /** Conveyor ÷ raw must be at least (or, for costs, at most) this. */
  ratio: number;
  direction: 'at-least' | 'at-most';
  label: string;
}

export interface Scenario {
  id: number;
  title: string;
  /** Once before the repetitions (building what the scenario runs). */
  before?(ctx: BenchContext): Promise<void>;
  /** Once after the repetitions, even when one failed (stopping what `before` started). */
  after?(ctx: BenchContext): Promise<void>;
  /** One repetition: both sides, in the given order (alternated between repetitions). */
  run(ctx: BenchContext, order: readonly Side[]): Promise<Sample[]>;
  goals: Goal[];
  /** Absolute limits checked on Conveyor's medians (latency, memory). */
  limits?: { metric: string; max: number; label: string }[];
}
