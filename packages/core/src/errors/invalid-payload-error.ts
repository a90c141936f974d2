import { ConveyorError } from './conveyor-error.ts';
import { formatIssue, type PayloadIssue } from './payload-issue.ts';

/** The request failed its job's schema. Nothing was enqueued. */
export class InvalidPayloadError extends ConveyorError {
  readonly code = 'INVALID_PAYLOAD';
  constructor(
    readonly jobName: string,
    readonly issues: PayloadIssue[],
  ) {
    super(
      `Invalid payload for ${jobName}: ${issues.map(formatIssue).join('; ')}`,
    );
  }
}
