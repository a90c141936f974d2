import { checkCompatibility } from '@conveyor/core';
import {
  versionedV2Registry,
  versionedV2WithoutUpcasterRegistry,
} from '@conveyor/fixtures';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  applyTransitions,
  HistoryStore,
  transitionId,
  type Transition,
} from '../src/index.ts';
import { openTestHistory } from './support/test-database.ts';

const postgresUrl = inject('postgresUrl');
const T0 = Date.parse('2026-12-01T10:00:00Z');

function enqueued(
  jobId: string,
  data: unknown,
  payloadVersion?: number,
): Transition {
  return {
    id: transitionId(jobId, 0, 0, 'enqueued'),
    jobId,
    tenantId: jobId.startsWith('b') ? 'beta' : 'acme',
    name: 'notice.send',
    queue: 'versioned',
    run: 0,
    attempt: 0,
    type: 'enqueued',
    at: T0,
    payload: superjson.serialize(data),
    ...(payloadVersion === undefined ? {} : { payloadVersion }),
  };
}

describe('history: stored payload versions, for compat', () => {
  let history: Awaited<ReturnType<typeof openTestHistory>>;
  let store: HistoryStore;
  beforeAll(async () => {
    history = await openTestHistory(postgresUrl);
    store = new HistoryStore(history.db);
    const v1 = (id: string) => enqueued(id, { to: id, body: 'hi' });
    const v2 = (id: string) =>
      enqueued(id, { to: id, text: 'hi', locale: 'en' }, 2);
    const done: Transition = {
      ...v1('a3'),
      id: transitionId('a3', 0, 1, 'completed'),
      type: 'completed',
      attempt: 1,
      at: T0 + 1_000,
      result: { received: {}, release: 'v1' },
    };
    delete done.payload;
    await applyTransitions(history.db, [
      v1('a1'),
      v1('a2'),
      v1('b1'),
      v1('a3'),
      done,
      v2('a4'),
      v2('b2'),
    ]);
  });
  afterAll(() => history.close());

  it('counts every tenant’s payloads by job, version and state, with envelope-shaped samples', async () => {
    const groups = await store.storedVersions(2);
    expect(
      groups.map((g) => [g.source, g.job, g.version, g.place, g.count]),
    ).toEqual([
      ['history', 'notice.send', 1, 'completed', 1],
      ['history', 'notice.send', 1, 'waiting', 3],
      ['history', 'notice.send', 2, 'waiting', 2],
    ]);
    const waitingV1 = groups[1];
    expect(waitingV1?.samples).toHaveLength(2);
    expect(groups[2]?.samples[0]).toMatchObject({ v: 1, pv: 2 });
    expect(groups[0]?.resultSamples).toHaveLength(1);
  });

  it('proves the path with the contract: ok with the upcaster, a problem without', async () => {
    const inventory = { groups: await store.storedVersions(), history: true };
    expect(checkCompatibility(versionedV2Registry, inventory).ok).toBe(true);
    const broken = checkCompatibility(
      versionedV2WithoutUpcasterRegistry,
      inventory,
    );
    expect(
      broken.findings.filter((f) => !f.ok).map((f) => [f.version, f.place]),
    ).toEqual([
      [1, 'completed'],
      [1, 'waiting'],
      // v2 payloads are "newer" than a contract that forgot its history.
      [2, 'waiting'],
    ]);
  });
});
