import { describe, expect, it } from 'vitest';
import { isPostgresUnavailable } from './is-postgres-unavailable.ts';

const withCode = (code: string, message = 'x') =>
  Object.assign(new Error(message), { code });

describe('isPostgresUnavailable', () => {
  it('recognises a refused, reset or timed-out connection', () => {
    expect(isPostgresUnavailable(withCode('ECONNREFUSED'))).toBe(true);
    expect(
      isPostgresUnavailable(
        new AggregateError([withCode('ECONNREFUSED')], 'all addresses failed'),
      ),
    ).toBe(true);
    expect(
      isPostgresUnavailable(
        new Error('timeout exceeded when trying to connect'),
      ),
    ).toBe(true);
    expect(
      isPostgresUnavailable(new Error('Connection terminated unexpectedly')),
    ).toBe(true);
  });

  it('recognises a server shutting down, full, or refusing the login', () => {
    for (const state of ['57P01', '57P03', '53300', '08006', '28P01', '3D000'])
      expect(isPostgresUnavailable(withCode(state)), state).toBe(true);
  });

  it('looks through causes', () => {
    expect(
      isPostgresUnavailable(
        new Error('read failed', { cause: withCode('ETIMEDOUT') }),
      ),
    ).toBe(true);
  });

  it('leaves query and data errors to be what they are', () => {
    expect(isPostgresUnavailable(withCode('42P01'))).toBe(false); // undefined table
    expect(isPostgresUnavailable(withCode('22P02'))).toBe(false); // bad input
    expect(isPostgresUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isPostgresUnavailable(null)).toBe(false);
  });
});
