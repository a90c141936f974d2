import { describe, expectTypeOf, it } from 'vitest';
import type { FixtureClient } from './support/fixture-router.ts';

type SearchInput = Parameters<FixtureClient['history']['search']['query']>[0];

describe('history.search on a typed client', () => {
  it("takes the named job's fields with their operators", () => {
    expectTypeOf({
      name: 'sms.send',
      where: {
        'data.to': { prefix: '+1415' },
        'result.providerMessageId': { eq: 'x' },
      },
    } as const).toExtend<SearchInput>();
    expectTypeOf({
      name: 'email.digest',
      where: {
        'data.startDate': { gte: new Date() },
        'data.period': { eq: 'weekly' },
      },
    } as const).toExtend<SearchInput>();
    expectTypeOf({
      state: 'failed',
      text: 'timeout',
    } as const).toExtend<SearchInput>();
  });

  it('does not compile a field the job lacks, an operator its type lacks, or a where without a job', () => {
    expectTypeOf<{
      name: 'sms.send';
      where: { 'data.nope': { eq: 'x' } };
    }>().not.toExtend<SearchInput>();
    expectTypeOf<{
      name: 'sms.send';
      where: { 'data.period': { eq: 'weekly' } };
    }>().not.toExtend<SearchInput>();
    expectTypeOf<{
      name: 'sms.send';
      where: { 'data.to': { gt: 'a' } };
    }>().not.toExtend<SearchInput>();
    expectTypeOf<{
      name: 'email.digest';
      where: { 'data.period': { eq: 'hourly' } };
    }>().not.toExtend<SearchInput>();
    expectTypeOf<{
      where: { 'data.to': { eq: 'x' } };
    }>().not.toExtend<SearchInput>();
    expectTypeOf<{ name: 'no.such.job' }>().not.toExtend<SearchInput>();
  });
});
