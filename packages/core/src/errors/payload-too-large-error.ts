import { ConveyorError } from './conveyor-error.ts';

/**
 * The encoded job is larger than its job allows (`limits.maxPayloadBytes`).
 * Redis keeps every job in memory and every worker loads it whole, so the
 * bound is per job rather than per request. Nothing was enqueued.
 */
export class PayloadTooLargeError extends ConveyorError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  constructor(
    readonly jobName: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(
      `Payload for ${jobName} is ${bytes} bytes once encoded; the job allows at most ${maxBytes}`,
    );
  }
}
