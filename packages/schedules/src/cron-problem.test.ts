import { describe, expect, it } from 'vitest';
import { cronProblem } from './cron-problem.ts';
import { nextTicks } from './schedule-timing.ts';

/** Phrases of cron-parser's own errors, none of which may reach a caller. */
const CRON_PARSER_PHRASES =
  /constraint error|validation error|invalid characters|invalid cron expression|invalid range|invalid step|invalid explicit|cannot resolve alias|expected range|cannot repeat|unexpected range|too many fields|dayOfWeek|dayOfMonth/i;

describe('cronProblem', () => {
  it.each([
    ['99 * * * *', 'minute 99 is out of range (0-59)'],
    ['60 * * * * *', 'second 60 is out of range (0-59)'],
    ['* 25 * * *', 'hour 25 is out of range (0-23)'],
    ['* * 0 * *', 'day-of-month 0 is out of range (1-31)'],
    ['* * 32 * *', 'day-of-month 32 is out of range (1-31)'],
    ['* * * 13 *', 'month 13 is out of range (1-12)'],
    ['* * * * 8', 'day-of-week 8 is out of range (0-7)'],
    ['1,2,70 * * * *', 'minute 70 is out of range (0-59)'],
    ['1-70/5 * * * *', 'minute 70 is out of range (0-59)'],
    [
      '*/0 * * * *',
      'the step of minute "*/0" is not a whole number of at least 1',
    ],
    [
      '*/a * * * *',
      'the step of minute "*/a" is not a whole number of at least 1',
    ],
    ['5-1 * * * *', 'the minute range "5-1" runs backwards'],
    [
      '* * * FOO *',
      'month "FOO" is not a number from 1 to 12 or a name (JAN-DEC)',
    ],
    ['a b c d e', 'minute "a" is not a number from 0 to 59'],
    ['* * * * MON#6', 'asks for occurrence 6 of a month'],
    [
      '* * * * * * *',
      'expected 5 or 6 fields (second? minute hour day-of-month month day-of-week), got 7',
    ],
    ['0 0 30 2 *', 'no date matches it'],
  ])('explains %s: %s', (pattern, expected) => {
    // Only refusals are explained: cron-parser must refuse each of these.
    expect(() => nextTicks({ cron: pattern, tz: 'UTC' }, 0, 1)).toThrow();
    const message = cronProblem(pattern);
    expect(message).toContain(`"${pattern}" is not a cron pattern: `);
    expect(message).toContain(expected);
    expect(message).not.toMatch(CRON_PARSER_PHRASES);
  });

  it('takes L, W and # as valid, so a refusal there is put on the pattern as a whole', () => {
    for (const pattern of [
      '0 0 L * *',
      '0 0 15W * *',
      '0 0 * * 5L',
      '0 0 * * FRI#3',
    ])
      expect(cronProblem(pattern)).toContain('no date matches it');
  });
});
