import { parseWhere, searchFields, type SearchField } from '@conveyor/core';
import type {
  HistorySearchQuery,
  HistoryState,
  HistoryStore,
} from '@conveyor/history';
import { BIG_TENANT, SEED_DAYS, TENANTS } from './seed-history.ts';
import {
  OTHER_JOB_NAMES,
  orderShip,
  searchRegistry,
  smsNotify,
} from './search-registry.ts';

const DAY_MS = 24 * 60 * 60 * 1_000;

/** One kind of search the console issues; `query(i)` varies its values by run. */
export interface SearchKindSpec {
  kind: string;
  /** `count` runs HistoryStore.count; `page2` times the page after the first. */
  call: 'list' | 'count' | 'page2';
  query(i: number, random: () => number): HistorySearchQuery;
  /** A store with other limits (a smaller count cap) instead of the run's. */
  store?: HistoryStore;
}

/** A small deterministic PRNG (mulberry32): the same values on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FIELDS = new Map<string, SearchField[]>(
  [orderShip, smsNotify].map((job) => [
    job.name,
    [...searchFields(job.input, 'data'), ...searchFields(job.result, 'result')],
  ]),
);

const oneOf = <T>(values: readonly T[], random: () => number): T =>
  values[Math.floor(random() * values.length)] as T;

/** Even runs search the big tenant (30 % of rows), odd runs a small one. */
const tenantOf = (i: number, random: () => number) =>
  i % 2 === 0 ? BIG_TENANT : oneOf(TENANTS.slice(1), random);

/** As the API builds it: the job's typed conditions, the last 30 days. */
function typed(
  name: string,
  where: Record<string, Record<string, unknown>>,
  tenant: string,
): HistorySearchQuery {
  const to = new Date();
  return {
    tenant,
    name,
    from: new Date(to.getTime() - 30 * DAY_MS),
    to,
    conditions: parseWhere(name, FIELDS.get(name) ?? [], where),
  };
}

function plain(
  query: Omit<HistorySearchQuery, 'from' | 'to'>,
): HistorySearchQuery {
  const to = new Date();
  return { ...query, from: new Date(to.getTime() - 30 * DAY_MS), to };
}

const COUNTRIES = ['US', 'DE', 'GB', 'FR', 'JP'] as const;

/** The query kinds timed, each over `rows` seeded jobs. */
export function searchKinds(rows: number): SearchKindSpec[] {
  const countryEq = (i: number, r: () => number) =>
    typed(
      'order.ship',
      { 'data.customer.country': { eq: oneOf(COUNTRIES, r) } },
      tenantOf(i, r),
    );
  const nameState = (i: number, r: () => number) =>
    plain({
      tenant: tenantOf(i, r),
      name: oneOf([...searchRegistry.names, ...OTHER_JOB_NAMES], r),
      state: oneOf<HistoryState>(['failed', 'retrying', 'completed'], r),
    });
  return [
    {
      kind: 'eq rare: data.orderId',
      call: 'list',
      query: (i, r) =>
        typed(
          'order.ship',
          { 'data.orderId': { eq: `o-${1 + Math.floor(r() * rows)}` } },
          tenantOf(i, r),
        ),
    },
    {
      kind: 'eq common: data.customer.country',
      call: 'list',
      query: countryEq,
    },
    {
      kind: 'number range: data.amountCents (2 %)',
      call: 'list',
      query: (i, r) => {
        const low = Math.floor(r() * 98_000);
        const where = { 'data.amountCents': { gte: low, lt: low + 2_000 } };
        return typed('order.ship', where, tenantOf(i, r));
      },
    },
    {
      kind: 'date range: data.dueAt (1 day)',
      call: 'list',
      query: (i, r) => {
        const gte = new Date(Date.now() - r() * SEED_DAYS * DAY_MS);
        const lt = new Date(gte.getTime() + DAY_MS);
        const where = { 'data.dueAt': { gte, lt } };
        return typed('order.ship', where, tenantOf(i, r));
      },
    },
    {
      kind: 'prefix: data.to ^= +1415n',
      call: 'list',
      query: (i, r) =>
        typed(
          'sms.notify',
          { 'data.to': { prefix: `+1415${Math.floor(r() * 10)}` } },
          tenantOf(i, r),
        ),
    },
    {
      kind: 'result eq: result.carrier',
      call: 'list',
      query: (i, r) =>
        typed(
          'order.ship',
          { 'result.carrier': { eq: oneOf(['usps', 'dhl', 'ups'], r) } },
          tenantOf(i, r),
        ),
    },
    {
      kind: 'error text (no name)',
      call: 'list',
      query: (i, r) =>
        plain({
          tenant: tenantOf(i, r),
          text: oneOf(['ETIMEDOUT', 'certificate expired', 'hang up'], r),
        }),
    },
    { kind: 'name + state only', call: 'list', query: nameState },
    { kind: 'page 2 (cursor): country eq', call: 'page2', query: countryEq },
    { kind: 'count: country eq', call: 'count', query: countryEq },
    { kind: 'count: name + state', call: 'count', query: nameState },
  ];
}
