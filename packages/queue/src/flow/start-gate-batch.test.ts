import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createKeyspace } from '../keyspace.ts';
import { StartGateBatch, type GateRequest } from './start-gate-batch.ts';

/** A batch over a stand-in for Redis that answers every script call with `reply`. */
function batchAnswering(reply: unknown) {
  const redis = { evalsha: () => Promise.resolve(reply) };
  return new StartGateBatch({
    redis: redis as unknown as Redis,
    keys: createKeyspace('unit'),
    queue: 'q',
    graceMs: 1000,
  });
}

const request = (id: string): GateRequest => ({
  id,
  cvf: '{"l":"t:j:"}',
  priority: 0,
  token: `tok-${id}`,
});

describe('start gate batch: every ask settles with its own verdict', () => {
  it('a job the reply has no verdict for is rejected, not taken as held', async () => {
    const gate = batchAnswering([['run', 0]]);
    const [a, b] = await Promise.allSettled([
      gate.ask(request('a')),
      gate.ask(request('b')),
    ]);
    expect(a).toEqual({ status: 'fulfilled', value: ['run', 0] });
    expect(b.status).toBe('rejected');
  });

  it('an error verdict rejects that job alone', async () => {
    const gate = batchAnswering([['error', 'boom'], ['held']]);
    const [a, b] = await Promise.allSettled([
      gate.ask(request('a')),
      gate.ask(request('b')),
    ]);
    expect(String((a as PromiseRejectedResult).reason)).toMatch(/boom/);
    expect(b).toEqual({ status: 'fulfilled', value: ['held'] });
  });

  it('a request that cannot be sent rejects its batch instead of leaving it waiting', async () => {
    const gate = batchAnswering([['held'], ['held']]);
    const broken = {
      ...request('b'),
      get priority(): number {
        throw new Error('unreadable');
      },
    };
    const settled = await Promise.allSettled([
      gate.ask(request('a')),
      gate.ask(broken),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
  });
});
