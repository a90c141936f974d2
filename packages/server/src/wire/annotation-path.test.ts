import { describe, expect, it } from 'vitest';
import {
  parseAnnotationPath,
  resolveAnnotationPath,
} from './annotation-path.ts';
import { WireFormatError } from './wire-format-error.ts';

describe('parseAnnotationPath', () => {
  it('splits on dots and honours escapes as superjson does', () => {
    expect(parseAnnotationPath('jobs.3.data', false)).toEqual([
      'jobs',
      '3',
      'data',
    ]);
    expect(parseAnnotationPath('a\\.b.c\\\\d', false)).toEqual(['a.b', 'c\\d']);
    expect(parseAnnotationPath('a\\\\b', true)).toEqual(['a\\\\b']);
  });

  it('refuses an escape superjson would throw on', () => {
    expect(() => parseAnnotationPath('a\\x', false)).toThrow(WireFormatError);
  });
});

describe('resolveAnnotationPath', () => {
  const json = { jobs: [{ data: { at: '2026-01-01' } }], m: [['k', 1]] };

  it('finds values through objects and arrays (a Map still as its rows)', () => {
    expect(resolveAnnotationPath(json, ['jobs', '0', 'data', 'at'])).toBe(
      '2026-01-01',
    );
    expect(resolveAnnotationPath(json, ['m', '0', '1'])).toBe(1);
  });

  it('refuses paths that name nothing or a prototype', () => {
    for (const path of [
      ['jobs', '1'],
      ['jobs', '00'],
      ['jobs', 'length'],
      ['missing'],
      ['jobs', '0', '__proto__'],
      ['constructor'],
    ])
      expect(() => resolveAnnotationPath(json, path)).toThrow(WireFormatError);
  });
});
