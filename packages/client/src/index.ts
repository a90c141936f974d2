export {
  createConveyorClient,
  type ConveyorClient,
  type ConveyorClientOptions,
} from './create-client.ts';
export { isConveyorError, type ConveyorClientError } from './errors.ts';
export type {
  AnyConveyorRouter,
  ConveyorRouter,
  ConveyorRouterInputs as RouterInputs,
  ConveyorRouterOutputs as RouterOutputs,
} from '@conveyor/server';
