import { UnrecoverableError } from 'bullmq';

/**
 * Thrown by a processor when trying again cannot help (the input names a
 * user that no longer exists, a provider rejected the request for good): the
 * job fails at once, whatever attempts it has left.
 */
export class NonRetryableError extends UnrecoverableError {
  override readonly name = 'NonRetryableError';
}
