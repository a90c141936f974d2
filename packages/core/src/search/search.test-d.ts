import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../define-job.ts';
import { defineRegistry } from '../registry.ts';
import type { SearchTarget } from './search-request.ts';

const send = defineJob({
  name: 'search.send',
  queue: 'search',
  input: z.strictObject({
    to: z.string(),
    cents: z.number().int(),
    at: z.date(),
    channel: z.enum(['sms', 'voice']),
    urgent: z.boolean().optional(),
    user: z.strictObject({ id: z.string(), tags: z.array(z.string()) }),
  }),
  result: z.strictObject({ sid: z.string() }),
});
const other = defineJob({
  name: 'search.other',
  queue: 'search',
  input: z.strictObject({ digest: z.string() }),
});
const _registry = defineRegistry([send, other]);
type Target = SearchTarget<typeof _registry.jobs>;

describe('SearchTarget', () => {
  it('takes the fields and operators of the job named', () => {
    expectTypeOf({
      name: 'search.send',
      where: {
        'data.to': { prefix: '+1415' },
        'data.cents': { gte: 100, lt: 500 },
        'data.at': { gte: new Date() },
        'data.channel': { eq: 'sms' },
        'data.urgent': { eq: true },
        'data.user.id': { eq: 'u42' },
        'result.sid': { eq: 'SM1' },
      },
    } as const).toExtend<Target>();
    expectTypeOf({ name: 'search.other' } as const).toExtend<Target>();
    expectTypeOf({}).toExtend<Target>();
  });

  it("refuses a field the job lacks, another job's field, or an operator its type does not take", () => {
    const nope: Target = {
      name: 'search.send',
      // @ts-expect-error -- search.send has no data.nope
      where: { 'data.nope': { eq: 'x' } },
    };
    const foreign: Target = {
      name: 'search.send',
      // @ts-expect-error -- data.digest is search.other's
      where: { 'data.digest': { eq: 'x' } },
    };
    const ranged: Target = {
      name: 'search.send',
      // @ts-expect-error -- a string takes no range
      where: { 'data.to': { gt: 'a' } },
    };
    const value: Target = {
      name: 'search.send',
      // @ts-expect-error -- an enum takes only its values
      where: { 'data.channel': { eq: 'fax' } },
    };
    const kind: Target = {
      name: 'search.send',
      // @ts-expect-error -- a number field takes numbers
      where: { 'data.cents': { eq: '100' } },
    };
    const array: Target = {
      name: 'search.send',
      // @ts-expect-error -- arrays are not offered
      where: { 'data.user.tags': { eq: 'a' } },
    };
    // @ts-expect-error -- no name, no schema to filter by
    const unnamed: Target = { where: { 'data.to': { eq: 'x' } } };
    expectTypeOf([
      nope,
      foreign,
      ranged,
      value,
      kind,
      array,
      unnamed,
    ]).not.toBeNever();
  });
});

describe('searchIndexes', () => {
  it('names only number and date fields of the input or result', () => {
    const _input = z.strictObject({
      to: z.string(),
      cents: z.number(),
      at: z.date(),
    });
    type Spec = NonNullable<
      Parameters<typeof defineJob<'idx.t', typeof _input>>[0]['searchIndexes']
    >;
    expectTypeOf<readonly ('data.cents' | 'data.at')[]>().toExtend<Spec>();
    expectTypeOf<readonly ['data.to']>().not.toExtend<Spec>();
    expectTypeOf<readonly ['data.nope']>().not.toExtend<Spec>();
  });
});
