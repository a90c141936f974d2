// Contract schedules on BullMQ's job schedulers: reconciling the contract's
// schedules, the API's stored schedules, and the worker pool's fired-tick gate.
export {
  reconcileSchedules,
  type ReconcileResult,
} from './reconcile-schedules.ts';
export { ScheduleStore } from './schedule-store.ts';
export type { ScheduleWrite } from './stored-schedule.ts';
export { firedTickGate } from './fired-tick-gate.ts';
export {
  ContractScheduleViews,
  findDeclaredSchedule,
  type DeclaredSchedule,
} from './contract-schedule-views.ts';
export { storedScheduleItems } from './stored-schedule-items.ts';
export {
  upcastSchedules,
  type UpcastSchedulesResult,
} from './upcast-schedules.ts';
