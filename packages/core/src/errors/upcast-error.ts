import { ConveyorError } from './conveyor-error.ts';

/**
 * A stored payload of an older input version that does not become a valid
 * payload of the current one: it no longer fits the schema it was written
 * with, an upcaster threw, or the upcast value fails the next schema. The
 * message names the job and the versions; nothing was changed.
 */
export class UpcastError extends ConveyorError {
  readonly code = 'UPCAST_FAILED';

  constructor(
    readonly jobName: string,
    /** The version the step started from. */
    readonly fromVersion: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Job "${jobName}": a version ${fromVersion} payload cannot be upcast to version ${fromVersion + 1}: ${reason}`,
      options,
    );
  }
}
