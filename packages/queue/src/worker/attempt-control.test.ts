import { describe, expect, it } from 'vitest';
import { AttemptControl, Deadlines, type Settled } from './attempt-control.ts';
import { AttemptTimeoutError } from './attempt-timeout-error.ts';

const never = () => new Promise<never>(() => undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('AttemptControl', () => {
  it('gives a signal read after an abort that abort, with its first reason', () => {
    const control = new AttemptControl('default');
    control.abort('lock lost');
    control.abort('later');
    expect(control.signal.aborted).toBe(true);
    expect(control.signal.reason).toBe('lock lost');
  });

  it('aborts a signal already read', () => {
    const control = new AttemptControl('default');
    const { signal } = control;
    expect(signal.aborted).toBe(false);
    control.abort('cancelled by user');
    expect(signal.reason).toBe('cancelled by user');
  });

  it('settles a processor that throws before returning a promise as a failure', async () => {
    const control = new AttemptControl('default');
    const boom = new Error('boom');
    const settled = await control.run(
      () => {
        throw boom;
      },
      new Deadlines(1_000),
      () => undefined,
    );
    expect(settled).toEqual({ ok: false, error: boom });
  });
});

describe('Deadlines', () => {
  it('expires each attempt at its own deadline with one list, and hands late results on', async () => {
    const deadlines = new Deadlines(200);
    const late: Settled[] = [];
    const first = new AttemptControl('default');
    const firstOutcome = first.run(never, deadlines, (s) => late.push(s));
    await sleep(100);
    const second = new AttemptControl('default');
    let release: (value: string) => void = () => undefined;
    const secondOutcome = second.run(
      () => new Promise<string>((r) => (release = r)),
      deadlines,
      (s) => late.push(s),
    );
    const third = new AttemptControl('default');
    const thirdOutcome = third.run(
      () => Promise.resolve('quick'),
      deadlines,
      (s) => late.push(s),
    );
    expect(await thirdOutcome).toEqual({ ok: true, value: 'quick' });

    expect(await firstOutcome).toBeNull();
    // The first expired about 100 ms before the second is due.
    expect(first.timedOut).toBeInstanceOf(AttemptTimeoutError);
    expect(first.signal.reason).toBe(first.timedOut);
    expect(second.timedOut).toBeUndefined();

    expect(await secondOutcome).toBeNull();
    expect(second.signal.aborted).toBe(true);
    release('too late');
    await sleep(0);
    expect(late).toEqual([{ ok: true, value: 'too late' }]);
  });
});
