// Types only: a client imports these without pulling server code.
export type { AppRouter, RouterInputs, RouterOutputs } from './router.ts';
export type { ConveyorErrorData } from './trpc.ts';
export type { JobEvent, JobState, JobView } from './job-view.ts';
export type { ListPage } from './job-list.ts';
export type { DeadLetter } from './dead-letters.ts';
export type { QueueStats } from './queue-service.ts';
