import { ConveyorError } from './conveyor-error.ts';

/**
 * A job's key function (flow or deduplicate) gave no usable key for this
 * input: empty, over 200 characters, or not a string. Nothing was enqueued.
 */
export class FlowKeyError extends ConveyorError {
  readonly code = 'INVALID_FLOW_KEY';
  constructor(readonly jobName: string) {
    super(
      `The key ${jobName} computes from this input must be 1 to 200 characters`,
    );
  }
}
