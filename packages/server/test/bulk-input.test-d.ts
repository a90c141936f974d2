import { expectTypeOf, test } from 'vitest';
import type { FixtureClient } from './support/fixture-router.ts';

declare const client: FixtureClient;

test("a bulk action's filter is typed by its job, as history.search's is", () => {
  void client.bulk.preview.query({
    action: 'retry',
    filter: { name: 'sms.send', where: { 'data.to': { prefix: '+1415' } } },
  });
  void client.bulk.preview.query({
    action: 'retry',
    // @ts-expect-error -- sms.send has no data.amount
    filter: { name: 'sms.send', where: { 'data.amount': { gte: 1 } } },
  });
  void client.bulk.preview.query({
    // @ts-expect-error -- not an action
    action: 'purge',
    filter: {},
  });
  void client.bulk.start.mutate({
    action: 'delete',
    filter: { name: 'TEST_JOB', state: 'completed' },
    listedBy: new Date(),
    key: 'k',
  });
  // @ts-expect-error -- start needs the preview's listedBy
  void client.bulk.start.mutate({ action: 'retry', filter: {} });
});

test('the preview and the operation', async () => {
  const preview = await client.bulk.preview.query({
    action: 'cancel',
    filter: {},
  });
  expectTypeOf(preview.count).toEqualTypeOf<number>();
  expectTypeOf(preview.listedBy).toEqualTypeOf<Date>();
  const op = await client.bulk.get.query({ id: 'x' });
  expectTypeOf(op.state).toEqualTypeOf<'running' | 'completed' | 'failed'>();
  expectTypeOf(op.action).toEqualTypeOf<
    'retry' | 'redrive' | 'cancel' | 'delete'
  >();
});
