import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import {
  QUEUES,
  smsSend,
  testJob,
  type FixtureRegistry,
  type fixtureRegistry,
} from '@conveyor/fixtures';
import { defineJob, type JobInputArg } from './define-job.ts';
import type {
  EnqueueManyItemOptions,
  EnqueueOptions,
} from './enqueue-options.ts';
import {
  defineRegistry,
  nonEmptyBatch,
  type EnqueueManyItem,
  type EnqueueManyRequestInput,
  type EnqueueRequestInput,
  type EnqueueRequestInputFor,
  type JobName,
} from './registry.ts';

type Jobs = FixtureRegistry['jobs'];
/** The tRPC input of `enqueueMany` (`.input(registry.enqueueManyRequest)`): what the typed client's `mutate` takes. */
type ManyInput = z.input<typeof fixtureRegistry.enqueueManyRequest>;
/** The same for `enqueue`. */
type OneInput = z.input<typeof fixtureRegistry.enqueueRequest>;
/** The producer's signatures (packages/queue/src/producer/producer-options.ts). */
declare function enqueue<TName extends JobName<Jobs>>(
  request: EnqueueRequestInputFor<Jobs, TName>,
): TName;
declare function enqueueMany(request: EnqueueManyRequestInput<Jobs>): void;

const job = { name: 'TEST_JOB', data: { message: 'x' } } as const;
const smsData = { to: '+14155550123', message: 'hi' };

test('an empty batch does not compile, through the producer or the tRPC input', () => {
  // @ts-expect-error -- at least one job (a 400 at run time)
  enqueueMany({ jobs: [] });
  // @ts-expect-error -- the client's input type refuses it too
  const empty: ManyInput = { jobs: [] };
  void empty;
  expectTypeOf<ManyInput>().toEqualTypeOf<EnqueueManyRequestInput<Jobs>>();
  // One job or more compiles, mutable or `as const`.
  enqueueMany({ jobs: [job] });
  enqueueMany({ jobs: [job, { name: 'sms.send', data: smsData }] } as const);
  // A batch of computed length shows it is not empty by a check.
  const built = Array.from({ length: 3 }, (_, i) => ({
    name: 'TEST_JOB' as const,
    data: { message: `m${i}` },
  }));
  // @ts-expect-error -- an array may be empty
  enqueueMany({ jobs: built });
  enqueueMany({ jobs: nonEmptyBatch(built) });
  type Built = { name: 'TEST_JOB'; data: { message: string } };
  expectTypeOf<ReturnType<typeof nonEmptyBatch<Built>>>().toEqualTypeOf<
    readonly [Built, ...Built[]]
  >();
  // What the server receives once parsed holds a first job, always.
  expectTypeOf<
    z.output<typeof fixtureRegistry.enqueueManyRequest>['jobs'][0]
  >().toEqualTypeOf<EnqueueManyItem<Jobs>>();
});

test('an idempotency key on a batch item does not compile; on a single enqueue it does', () => {
  enqueueMany({
    jobs: [
      {
        ...job,
        // @ts-expect-error -- keys are for enqueue (a 400 in a batch)
        options: { idempotencyKey: 'k' },
      },
    ],
  });
  const keyed: ManyInput = {
    jobs: [
      // @ts-expect-error -- the client's input type refuses it too
      { ...job, options: { delay: 5, idempotencyKey: 'k' } },
    ],
  };
  void keyed;
  // Every other option is fine in a batch.
  enqueueMany({
    jobs: [
      { ...job, options: { delay: 5, priority: 1, attempts: 3 } },
      { ...job, options: { runAt: new Date(), idempotencyKey: undefined } },
    ],
  });
  enqueue({ ...job, options: { idempotencyKey: 'k' } });
  expectTypeOf<ManyInput['jobs'][number]['options']>().toEqualTypeOf<
    EnqueueManyItemOptions | undefined
  >();
  expectTypeOf<
    EnqueueManyItemOptions['idempotencyKey']
  >().toEqualTypeOf<undefined>();
  expectTypeOf<EnqueueOptions['idempotencyKey']>().toEqualTypeOf<
    string | undefined
  >();
});

test('a name widened to two jobs needs data that fits each of them', () => {
  const name = 'TEST_JOB' as 'TEST_JOB' | 'sms.send';
  // @ts-expect-error -- { message } is a TEST_JOB payload, not an sms.send one
  enqueue({ name, data: { message: 'x' } });
  // @ts-expect-error -- the same through the client's input type
  const one: OneInput = { name, data: { message: 'x' } };
  void one;
  // @ts-expect-error -- and in a batch
  enqueueMany({ jobs: [{ name, data: { message: 'x' } }] });

  // The request type distributes over the names: one request per job.
  expectTypeOf<
    EnqueueRequestInputFor<Jobs, 'TEST_JOB' | 'sms.send'>
  >().toEqualTypeOf<
    | { name: 'TEST_JOB'; data: { message: string }; options?: EnqueueOptions }
    | {
        name: 'sms.send';
        data: { to: string; message: string; alertId?: string | undefined };
        options?: EnqueueOptions;
      }
  >();
  expectTypeOf<OneInput>().toEqualTypeOf<EnqueueRequestInput<Jobs>>();
  // A single name infers exactly.
  expectTypeOf(enqueue(job)).toEqualTypeOf<'TEST_JOB'>();

  // Jobs that take the same data may share a widened name.
  const same = z.strictObject({ n: z.number() });
  const _pings = defineRegistry([
    defineJob({ name: 'ping', queue: QUEUES.default, input: same }),
    defineJob({ name: 'pong', queue: QUEUES.default, input: same }),
  ]);
  type Pings = (typeof _pings)['jobs'];
  const either = 'ping' as 'ping' | 'pong';
  const request: EnqueueRequestInputFor<Pings, typeof either> = {
    name: either,
    data: { n: 1 },
  };
  expectTypeOf(request.name).toEqualTypeOf<'ping' | 'pong'>();
});

test('the same job twice, or two jobs of one name, in a registry does not compile', () => {
  // @ts-expect-error -- TEST_JOB twice (a throw at load too)
  defineRegistry([testJob, testJob]);
  // @ts-expect-error -- not next to each other
  defineRegistry([testJob, smsSend, testJob]);
  // @ts-expect-error -- another job called TEST_JOB, defined inline
  defineRegistry([
    testJob,
    defineJob({ name: 'TEST_JOB', queue: 'q', input: z.strictObject({}) }),
  ]);
  const registry = defineRegistry([
    testJob,
    smsSend,
    defineJob({ name: 'x', queue: 'q', input: z.strictObject({}) }),
  ]);
  // Inline jobs keep their literal names and queues.
  expectTypeOf(registry.names).toEqualTypeOf<
    readonly ('TEST_JOB' | 'sms.send' | 'x')[]
  >();
  expectTypeOf(registry.jobs.x.queue).toEqualTypeOf<'q'>();
  // A name only known at run time is left to the load-time check.
  defineRegistry([
    testJob,
    defineJob({
      name: String('TEST_JOB'),
      queue: 'q',
      input: z.strictObject({}),
    }),
  ]);
});

test('a generic wrapper over enqueue still compiles', () => {
  function send<TName extends JobName<Jobs>>(
    name: TName,
    data: JobInputArg<Jobs[TName]>,
  ) {
    return enqueue({ name, data });
  }
  expectTypeOf(send('TEST_JOB', { message: 'x' })).toEqualTypeOf<'TEST_JOB'>();
});
