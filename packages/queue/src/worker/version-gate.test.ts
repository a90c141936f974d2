import { versionedV1Registry } from '@conveyor/fixtures';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createKeyspace } from '../keyspace.ts';
import { DEFAULT_UNKNOWN_JOB_GRACE_MS, VersionGate } from './version-gate.ts';

// Never connects: `concerns` is synchronous and reads only the job.
const redis = new Redis({ lazyConnect: true });
const gate = new VersionGate({
  redis,
  keys: createKeyspace('version-gate'),
  registry: versionedV1Registry,
  logger: pino({ level: 'silent' }),
  observers: [],
});
afterEach(() => gate.close());

const job = (fields: object) =>
  ({
    name: 'notice.send',
    timestamp: Date.now(),
    opts: {},
    data: { v: 1, payload: { json: {} } },
    ...fields,
  }) as never;

it('concerns a newer input version, not the versions it knows', () => {
  expect(gate.concerns(job({ data: { v: 1, pv: 2, payload: {} } }))).toBe(true);
  expect(gate.concerns(job({}))).toBe(false);
  // Not a version: malformed, the attempt's to fail.
  expect(gate.concerns(job({ data: { v: 1, pv: '2', payload: {} } }))).toBe(
    false,
  );
});

it('hands back a job of an unknown name for the grace after it came due, not after it was made', () => {
  const now = Date.now();
  const grace = DEFAULT_UNKNOWN_JOB_GRACE_MS;
  const fresh = job({ name: 'notice.new', timestamp: now });
  // Made 20 min ago with a 20 min delay (a scheduler's next run): due now.
  const dueNow = job({
    name: 'notice.new',
    timestamp: now - grace - 5 * 60_000,
    opts: { delay: grace + 5 * 60_000 },
  });
  const stale = job({ name: 'notice.new', timestamp: now - grace - 1_000 });
  expect([
    gate.concerns(fresh),
    gate.concerns(dueNow),
    gate.concerns(stale),
  ]).toEqual([true, true, false]);
});
