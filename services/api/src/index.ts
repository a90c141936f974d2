// Types only: the example app's client imports these without pulling server code.
export type { AppRouter, RouterInputs, RouterOutputs } from './router.ts';
export type { ConveyorErrorData } from '@conveyor/server';
