import type { Job } from 'bullmq';
import type {
  LifecycleEvent,
  LifecycleEventType,
} from '../events/lifecycle-event.ts';
import type { AttemptInfo } from './job-observer.ts';

/**
 * Emits one lifecycle event of the attempt being gated: the engine fills in
 * the attempt's identity (ids, tenant, run), the gate adds its own fields.
 */
export type ReportAttemptEvent = (
  type: LifecycleEventType,
  fields: Partial<LifecycleEvent>,
) => Promise<void> | undefined;

/**
 * Decides, before the processor runs, whether an attempt runs at all. The
 * engine knows only this shape, so features above it (the fired-tick gate of
 * @conveyor/schedules: quota and missed-tick policy for jobs BullMQ's
 * scheduler added) plug in without the engine importing them.
 */
export interface AttemptGate {
  /** Synchronous, so the attempts a gate does not concern cost no await. */
  concerns(job: Job, info: AttemptInfo): boolean;
  /** Null: run it. A string: the attempt ends cancelled, with this reason. */
  admit(
    job: Job,
    info: AttemptInfo,
    report: ReportAttemptEvent,
  ): Promise<string | null>;
}
