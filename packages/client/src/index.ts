export {
  createConveyorClient,
  type ConveyorClient,
  type ConveyorClientOptions,
} from './create-client.ts';
export { isConveyorError, type ConveyorClientError } from './errors.ts';
export type { AppRouter, RouterInputs, RouterOutputs } from '@conveyor/api';
