import { ConveyorError } from './conveyor-error.ts';

/**
 * A sealed (`sensitive()`) value could not be written or read: no key is
 * configured, or the value names a key this process does not have, or it
 * does not authenticate. Nothing was stored.
 */
export class EncryptionKeyError extends ConveyorError {
  readonly code = 'ENCRYPTION_KEY';
  constructor(message: string) {
    super(message);
  }
}
