import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handBackDelayMs } from '../versioning/hand-back-record.ts';
import { HandBackEpisodes } from './hand-back-episodes.ts';

interface Line {
  level: number;
  msg: string;
}

function episodes(quietMs: number) {
  const lines: Line[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  );
  return { lines, tracker: new HandBackEpisodes(logger, quietMs) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('hand-back episodes', () => {
  it('warns once per job and version while hand-backs go on, and says when they stopped', () => {
    vi.useFakeTimers();
    const { lines, tracker } = episodes(300_000);
    for (let i = 0; i < 50; i++) {
      tracker.handedBack('notice.send', 2, 1);
      vi.advanceTimersByTime(60_000);
    }
    tracker.handedBack('notice.send', 3, 1);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [
        40,
        'jobs of notice.send version 2 handed back: this worker knows version 1; deploy workers that know it first',
      ],
      [
        40,
        'jobs of notice.send version 3 handed back: this worker knows version 1; deploy workers that know it first',
      ],
    ]);
    vi.advanceTimersByTime(300_000);
    expect(lines.slice(2).map((l) => [l.level, l.msg])).toEqual([
      [30, 'hand-backs of notice.send version 2 ended: none for 300 s'],
      [30, 'hand-backs of notice.send version 3 ended: none for 300 s'],
    ]);
    // A stuck deploy: the next hand-back opens a new episode, warned again.
    tracker.handedBack('notice.send', 2, 1);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(3);
    tracker.close();
    vi.advanceTimersByTime(600_000);
    expect(lines).toHaveLength(5);
  });

  it('waits 1 s after the first hand-back of a job, doubling up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100].map(handBackDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});
