import type { AnyConveyorRouter } from '@conveyor/server';
import { TRPCClientError } from '@trpc/client';

export type ConveyorClientError = TRPCClientError<AnyConveyorRouter>;

/** Narrows an unknown error to a Conveyor API error: `message` is one sentence for people; `data` carries `code`, `issues` and `reason`. */
export function isConveyorError(error: unknown): error is ConveyorClientError {
  return error instanceof TRPCClientError;
}
