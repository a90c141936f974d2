// Types only: a client imports these without pulling server code.
export type { AppRouter, RouterInputs, RouterOutputs } from './router.ts';
export type { ConveyorErrorData } from './trpc.ts';
export type {
  DeadLetter,
  JobEvent,
  JobState,
  JobView,
  ListPage,
  QueueStats,
} from '@conveyor/core';
