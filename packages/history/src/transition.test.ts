import { describe, expect, it } from 'vitest';
import {
  stateKey,
  transitionId,
  type Transition,
  type TransitionType,
} from './transition.ts';

const t = (
  type: TransitionType,
  run: number,
  attempt: number,
  at: number,
): Transition => ({
  id: transitionId('j', run, attempt, type),
  jobId: 'j',
  tenantId: 'acme',
  name: 'n',
  queue: 'q',
  run,
  attempt,
  type,
  at,
});

describe('stateKey (the order of a job’s transitions)', () => {
  it('puts the end of a run above anything else in it, whatever the clock says', () => {
    expect(
      stateKey(t('completed', 0, 1, 100)) > stateKey(t('started', 0, 1, 200)),
    ).toBe(true);
    expect(
      stateKey(t('cancelled', 0, 0, 100)) > stateKey(t('started', 0, 3, 500)),
    ).toBe(true);
  });

  it('orders attempts within a run, and a later run above the whole earlier one', () => {
    expect(
      stateKey(t('started', 0, 2, 100)) > stateKey(t('retrying', 0, 1, 900)),
    ).toBe(true);
    expect(
      stateKey(t('enqueued', 1, 0, 1)) > stateKey(t('failed', 0, 5, 9e12)),
    ).toBe(true);
    expect(
      stateKey(t('started', 10, 1, 1)) > stateKey(t('started', 9, 1, 1)),
    ).toBe(true);
  });

  it('is the same for the same transition (a replay is never newer)', () => {
    expect(stateKey(t('failed', 2, 3, 1_700_000_000_000))).toBe(
      stateKey(t('failed', 2, 3, 1_700_000_000_000)),
    );
  });
});
