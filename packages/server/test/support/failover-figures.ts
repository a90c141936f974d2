import type { Acknowledgement, JobOutcome } from './failover-load.ts';

export interface FailoverFigures {
  /** Keys the callers started. */
  jobs: number;
  acknowledged: number;
  /** Keys that never got a 2xx (by their deadline). */
  unanswered: number;
  completed: number;
  /** Acknowledged, and the job is gone from Redis (never completed). */
  lost: number;
  /** Of the lost: how many had run their side effect before they vanished. */
  lostAfterRunning: number;
  /** Acknowledged jobs that ended failed. */
  failed: number;
  /** Keys with more than one job. */
  duplicateJobs: number;
  /** Keys whose side effect ran more than once (at-least-once re-runs). */
  rerunKeys: number;
  /** From the kill to the sending of the first request that then got a 2xx. */
  recoverMs: number | null;
}

export function failoverFigures(input: {
  started: number;
  acknowledged: Map<string, Acknowledgement>;
  unanswered: number;
  outcomes: Map<string, JobOutcome>;
  jobsPerKey: Map<string, number>;
  runs: Map<string, string[]>;
  killedAt: number;
}): FailoverFigures {
  const outcomes = [...input.outcomes.values()];
  const count = (outcome: JobOutcome) =>
    outcomes.filter((o) => o === outcome).length;
  const lostKeys = [...input.outcomes]
    .filter(([, outcome]) => outcome === 'lost')
    .map(([key]) => key);
  const firstAfter = [...input.acknowledged.values()]
    .map((ack) => ack.sentAt)
    .filter((at) => at >= input.killedAt)
    .sort((a, b) => a - b)[0];
  return {
    jobs: input.started,
    acknowledged: input.acknowledged.size,
    unanswered: input.unanswered,
    completed: count('completed'),
    lost: lostKeys.length,
    lostAfterRunning: lostKeys.filter((key) => input.runs.has(key)).length,
    failed: count('failed'),
    duplicateJobs: [...input.jobsPerKey.values()].filter((n) => n > 1).length,
    rerunKeys: [...input.runs.values()].filter((ids) => ids.length > 1).length,
    recoverMs: firstAfter === undefined ? null : firstAfter - input.killedAt,
  };
}
