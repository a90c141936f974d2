import type { FixtureRegistry } from '@conveyor/fixtures';
import { expectTypeOf, test } from 'vitest';
import type { createInProcessClient } from '../src/in-process-client.ts';
import type { FixtureClient } from './support/fixture-router.ts';

declare const inProcess: ReturnType<
  typeof createInProcessClient<FixtureRegistry>
>;

test('the in-process client has the HTTP client’s type', () => {
  expectTypeOf(inProcess).toEqualTypeOf<FixtureClient>();
});

test('and refuses the same things at compile time', () => {
  void inProcess.enqueue.mutate({
    name: 'TEST_JOB',
    // @ts-expect-error -- TEST_JOB has no `extra`
    data: { message: 'x', extra: 1 },
  });
  void inProcess.enqueue.mutate({
    name: 'TEST_JOB',
    data: { message: 'x' },
    // @ts-expect-error -- delay and runAt exclude each other
    options: { delay: 5, runAt: new Date() },
  });
  // @ts-expect-error -- filters take catalog names
  void inProcess.jobs.list.query({ name: 'nope' });
});
