import {
  fixtureRegistry as registry,
  type FixtureRegistry as AppRegistry,
} from '@conveyor/fixtures';
import { expectTypeOf, test } from 'vitest';
// Where an app takes it from.
import type { ProcessorMap } from '@conveyor/worker';

declare const complete: ProcessorMap<AppRegistry>;

test('a processor receives the parsed payload with real types', () => {
  expectTypeOf(complete['email.digest']).parameter(0).toEqualTypeOf<{
    userId: string;
    period: 'daily' | 'weekly';
    startDate: Date;
    endDate: Date;
  }>();
  expectTypeOf(complete['sms.send']).returns.resolves.toEqualTypeOf<{
    providerMessageId: string;
  }>();
  expectTypeOf(registry.names).toEqualTypeOf<
    readonly (
      | 'TEST_JOB'
      | 'sms.send'
      | 'email.digest'
      | 'feed.sync'
      | 'content.generate'
    )[]
  >();
});

test('a missing processor does not compile', () => {
  // @ts-expect-error -- 'email.digest' is missing
  const missing: ProcessorMap<AppRegistry> = {
    TEST_JOB: complete.TEST_JOB,
    'sms.send': complete['sms.send'],
  };
  void missing;
});

test('an unknown job name does not compile', () => {
  const extra: ProcessorMap<AppRegistry> = {
    ...complete,
    // @ts-expect-error -- no such job in the registry
    'sms.sned': complete['sms.send'],
  };
  void extra;
});

test('a wrong result type does not compile', () => {
  const wrong: ProcessorMap<AppRegistry> = {
    ...complete,
    // @ts-expect-error -- sms.send must resolve to { providerMessageId: string }
    'sms.send': () => Promise.resolve({ providerMessageId: 42 }),
  };
  void wrong;
});

test('a processor reading a field the payload lacks does not compile', () => {
  const wrong: ProcessorMap<AppRegistry> = {
    ...complete,
    // @ts-expect-error -- TEST_JOB's payload has no `to`
    TEST_JOB: ({ to }: { to: string }) => Promise.resolve({ echoed: to }),
  };
  void wrong;
});
