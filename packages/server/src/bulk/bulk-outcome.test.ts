import {
  HistoryUnavailableError,
  InvalidSearchFilterError,
} from '@conveyor/core';
import { describe, expect, it } from 'vitest';
import { isTransient, messageOf } from './bulk-outcome.ts';

/** As node-postgres throws them: an Error with the SQLSTATE as `code`. */
const postgresError = (code: string) =>
  Object.assign(new Error(`relation "secret_table" failed (${code})`), {
    code,
  });

describe('bulk outcome', () => {
  it('keeps only the API own words for bulk.get', () => {
    expect(messageOf(new InvalidSearchFilterError('bad filter'))).toBe(
      'bad filter',
    );
    expect(messageOf(postgresError('42P01'))).toBe('internal error');
    expect(messageOf(new Error('ECONNRESET 10.0.0.3'))).toBe('internal error');
  });

  it('treats deadlocks and serialization failures as transient, other SQL errors not', () => {
    expect(isTransient(postgresError('40P01'))).toBe(true);
    expect(isTransient(postgresError('40001'))).toBe(true);
    expect(isTransient(new HistoryUnavailableError())).toBe(true);
    expect(isTransient(postgresError('42P01'))).toBe(false);
    expect(isTransient(new InvalidSearchFilterError('x'))).toBe(false);
  });
});
