import { isConveyorError } from '@conveyor/client';
import { waitFor } from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FixtureClient } from './support/fixture-router.ts';
import type { Harness } from './support/harness.ts';
import {
  startHistoryHarness,
  type HistoryHarness,
} from './support/history-harness.ts';
import { rawRequest } from './support/raw-http.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');
const adminToken = randomBytes(32).toString('base64url');

const refusal = async (call: Promise<unknown>) => {
  const error = await call.catch((e: unknown) => e);
  if (!isConveyorError(error)) throw new Error('expected an API error');
  return {
    code: error.data?.code,
    reason: error.data?.reason,
    message: error.message,
  };
};

describe('history.search through the API: typed filters, tenants, hostile filters', () => {
  let harness: Harness;
  let rig: HistoryHarness;
  let acme: FixtureClient;
  let globex: FixtureClient;
  let acmeIds: Map<string, string>;

  beforeAll(async () => {
    rig = await startHistoryHarness({ redisUrl, postgresUrl }, adminToken);
    harness = rig.harness;
    acme = (await rig.clientFor('acme')).client;
    globex = (await rig.clientFor('globex')).client;
    acmeIds = new Map();
    for (const to of ['+14155550101', '+14155550102', '+442071838750']) {
      const job = await acme.enqueue.mutate({
        name: 'sms.send',
        data: { to, message: `hi ${to}` },
      });
      acmeIds.set(to, job.id);
    }
    await globex.enqueue.mutate({
      name: 'sms.send',
      data: { to: '+14155550101', message: 'globex' },
    });
    await acme.enqueue.mutate({
      name: 'email.digest',
      data: {
        userId: 'u42',
        period: 'weekly',
        startDate: new Date('2026-11-30T00:00:00Z'),
        endDate: new Date('2026-12-06T00:00:00Z'),
      },
    });
    // Everything enqueued has completed and reached PostgreSQL.
    await waitFor(
      async () => {
        const page = await acme.history.search.query({
          state: 'completed',
          limit: 50,
        });
        return page.items.length === 4 ? true : undefined;
      },
      30_000,
      'acme history complete',
    );
  }, 60_000);
  afterAll(() => rig?.close());

  it('finds jobs by payload and result fields, typed per job', async () => {
    const exact = await acme.history.search.query({
      name: 'sms.send',
      where: { 'data.to': { eq: '+14155550102' } },
    });
    expect(exact.items.map((j) => j.id)).toEqual([acmeIds.get('+14155550102')]);
    expect(exact.items[0]?.data).toEqual({
      to: '+14155550102',
      message: 'hi +14155550102',
    });
    const prefix = await acme.history.search.query({
      name: 'sms.send',
      where: { 'data.to': { prefix: '+1415' } },
    });
    expect(new Set(prefix.items.map((j) => j.id))).toEqual(
      new Set([acmeIds.get('+14155550101'), acmeIds.get('+14155550102')]),
    );
    const byResult = await acme.history.search.query({
      name: 'sms.send',
      where: { 'result.providerMessageId': { eq: 'sms-+442071838750' } },
    });
    expect(byResult.items.map((j) => j.id)).toEqual([
      acmeIds.get('+442071838750'),
    ]);
    const byDate = await acme.history.search.query({
      name: 'email.digest',
      where: {
        'data.startDate': {
          gte: new Date('2026-11-29T00:00:00Z'),
          lt: new Date('2026-12-01T00:00:00Z'),
        },
        'data.period': { eq: 'weekly' },
      },
    });
    expect(byDate.items).toHaveLength(1);
    const outside = await acme.history.search.query({
      name: 'email.digest',
      where: { 'data.startDate': { gte: new Date('2026-12-01T00:00:00Z') } },
    });
    expect(outside.items).toEqual([]);
  });

  it("keeps every search to the caller's tenant; an admin reads another tenant's only by acting for it", async () => {
    const where = { 'data.to': { eq: '+14155550101' } } as const;
    const mine = await globex.history.search.query({ name: 'sms.send', where });
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]?.tenant).toBe('globex');
    expect(mine.items[0]?.id).not.toBe(acmeIds.get('+14155550101'));
    const forAcme = harness.clientWith(adminToken, 'acme');
    const asAcme = await forAcme.history.search.query({
      name: 'sms.send',
      where,
    });
    expect(asAcme.items.map((j) => j.id)).toEqual([
      acmeIds.get('+14155550101'),
    ]);
  });

  it('answers a forged filter with a 400 in its own words', async () => {
    // What the typed client would not compile (history-search.test-d.ts), sent anyway.
    const search = acme.history.search.query as (
      input: unknown,
    ) => Promise<unknown>;
    const cases: [Promise<unknown>, RegExp][] = [
      [
        search({
          name: 'sms.send',
          where: { 'data.nope': { eq: 'x' } },
        }),
        /"data\.nope" is not a searchable field of sms\.send/,
      ],
      [
        search({
          name: 'sms.send',
          where: { 'data.to': { gt: 'a' } },
        }),
        /data\.to is a string field: it takes eq, prefix/,
      ],
      [search({ where: { 'data.to': { eq: 'x' } } }), /needs the job name/],
      [
        search({
          from: new Date('2026-01-01'),
          to: new Date('2026-06-01'),
        }),
        /at most 93 days/,
      ],
      [
        search({
          name: 'email.digest',
          where: { 'data.period': { eq: 'hourly' } },
        }),
        /data\.period is one of daily, weekly/,
      ],
    ];
    for (const [call, message] of cases) {
      const error = await refusal(call);
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(message);
    }
  });

  it('refuses hostile filters over raw HTTP without echoing library text', async () => {
    const bodies = [
      '{"name":"sms.send","where":{"data.to":{"eq":{"$gt":""}}}}',
      '{"name":"sms.send","where":{"__proto__":{"eq":"x"}}}',
      '{"name":"sms.send","where":{"constructor":{"eq":"x"}}}',
      `{"name":"sms.send","where":{"data.to":{"eq":"${'x'.repeat(501)}"}}}`,
      '{"name":"sms.send","where":{"data.to":{"eq":"x"},"data.message":{"prefix":"h"}},"extra":1}',
    ];
    for (const body of bodies) {
      const input = encodeURIComponent(`{"json":${body}}`);
      const response = await rawRequest(
        `${harness.apiUrl}/trpc/history.search?input=${input}`,
        {
          headers: { authorization: `Bearer ${adminToken}` },
        },
      );
      expect(response.status).toBe(400);
      expect(response.text).not.toMatch(/zod|kysely|postgres|at \w+ \(/i);
    }
  });
});
