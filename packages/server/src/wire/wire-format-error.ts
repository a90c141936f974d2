import { ConveyorError } from '@conveyor/core';

/**
 * A request whose superjson encoding the API refuses before decoding it: a
 * type the contract never sends, nesting too deep, annotations that point
 * nowhere. The message names the problem in the API's words and is safe to
 * show (a 400).
 */
export class WireFormatError extends ConveyorError {
  readonly code = 'MALFORMED_INPUT';
}
