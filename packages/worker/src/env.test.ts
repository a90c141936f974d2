import { defaultStalledInterval, stallRecoveryBoundMs } from '@conveyor/queue';
import { describe, expect, it } from 'vitest';
import { readWorkerEnv } from './env.ts';

describe('worker env: delivery defaults', () => {
  it('by default a dead worker’s jobs run again within 15 s and a job survives 10 stalls', () => {
    const env = readWorkerEnv({});
    expect(env.WORKER_LOCK_DURATION_MS).toBe(10_000);
    expect(env.WORKER_MAX_STALLS).toBe(10);
    expect(env.WORKER_HEALTH_PORT).toBeUndefined();
    const interval =
      env.WORKER_STALLED_INTERVAL_MS ??
      defaultStalledInterval(env.WORKER_LOCK_DURATION_MS);
    expect(stallRecoveryBoundMs(env.WORKER_LOCK_DURATION_MS, interval)).toBe(
      15_000,
    );
  });

  it('reads an empty optional variable (as in a copied .env.example) as unset', () => {
    const env = readWorkerEnv({
      WORKER_HEALTH_PORT: '',
      WORKER_STALLED_INTERVAL_MS: '',
    });
    expect(env.WORKER_HEALTH_PORT).toBeUndefined();
    expect(env.WORKER_STALLED_INTERVAL_MS).toBeUndefined();
  });

  it('refuses a stall budget of 0 (every crash would fail the job)', () => {
    expect(() => readWorkerEnv({ WORKER_MAX_STALLS: '0' })).toThrow(
      /WORKER_MAX_STALLS/,
    );
  });
});
