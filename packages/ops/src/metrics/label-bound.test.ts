import { describe, expect, it } from 'vitest';
import { LabelBound, OTHER_LABEL } from './label-bound.ts';

describe('LabelBound', () => {
  it('passes known values, then the first `limit` others, and folds the rest into other', () => {
    const bound = new LabelBound(new Set(['sms']), 2);
    expect(['a', 'b', 'c', 'a', 'sms', 'd'].map((v) => bound.label(v))).toEqual(
      ['a', 'b', OTHER_LABEL, 'a', 'sms', OTHER_LABEL],
    );
  });

  it('with a limit of 0 only the known values are labels', () => {
    const bound = new LabelBound(new Set(['email']), 0);
    expect([bound.label('email'), bound.label('x')]).toEqual([
      'email',
      OTHER_LABEL,
    ]);
  });
});
