import { describe, expect, it } from 'vitest';
import {
  ConveyorError,
  InvalidCursorError,
  JobNotFoundError,
  JobStateError,
  MalformedJobError,
  QueueUnavailableError,
} from './index.ts';

describe('Conveyor errors', () => {
  it('each names itself and carries a stable code', () => {
    const cases: [ConveyorError, string, string][] = [
      [new JobNotFoundError('x'), 'JobNotFoundError', 'JOB_NOT_FOUND'],
      [new JobStateError('no'), 'JobStateError', 'INVALID_STATE'],
      [new MalformedJobError('bad'), 'MalformedJobError', 'MALFORMED_JOB'],
      [new InvalidCursorError(), 'InvalidCursorError', 'INVALID_CURSOR'],
      [
        new QueueUnavailableError(),
        'QueueUnavailableError',
        'QUEUE_UNAVAILABLE',
      ],
    ];
    for (const [error, name, code] of cases) {
      expect(error).toBeInstanceOf(ConveyorError);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
    }
  });

  it('keeps the cause server-side, out of the message', () => {
    const error = new QueueUnavailableError({
      cause: new Error('ECONNREFUSED'),
    });
    expect(error.message).not.toContain('ECONNREFUSED');
    expect((error.cause as Error).message).toBe('ECONNREFUSED');
  });
});
