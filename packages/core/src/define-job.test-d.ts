import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineJob, type JobInput, type JobResult } from './define-job.ts';
import { QUEUES } from '@conveyor/fixtures';

test('a job carries its input and result types', () => {
  const job = defineJob({
    name: 'report.build',
    queue: QUEUES.default,
    input: z.strictObject({ id: z.string(), pages: z.number().default(1) }),
    result: z.strictObject({ url: z.string() }),
  });
  expectTypeOf<JobInput<typeof job>>().toEqualTypeOf<{
    id: string;
    pages: number;
  }>();
  expectTypeOf<JobResult<typeof job>>().toEqualTypeOf<{ url: string }>();
  expectTypeOf(job.name).toEqualTypeOf<'report.build'>();
});

test('a job without a result schema returns nothing', () => {
  const fire = defineJob({
    name: 'fire',
    queue: QUEUES.default,
    input: z.strictObject({}),
  });
  expectTypeOf<JobResult<typeof fire>>().toEqualTypeOf<void>();
  expectTypeOf(fire.name).toEqualTypeOf<'fire'>();
});

test('a schema that changes type when parsed is refused (the worker re-parses stored payloads)', () => {
  defineJob({
    name: 'bad',
    queue: QUEUES.default,
    // @ts-expect-error -- string in, number out: re-validating the stored number would fail
    input: z.strictObject({ n: z.string().transform(Number) }),
  });
});

test('a job keeps its queue as a literal, for typed stats and worker options', () => {
  const job = defineJob({
    name: 'x',
    queue: 'emails',
    input: z.strictObject({}),
  });
  expectTypeOf(job.queue).toEqualTypeOf<'emails'>();
});

test('result and progress schemas follow the same round-trip rule as inputs', () => {
  defineJob({
    name: 'bad.result',
    queue: QUEUES.default,
    input: z.strictObject({}),
    // @ts-expect-error -- string in, number out: the stored result could not be checked again
    result: z.string().transform(Number),
  });
  defineJob({
    name: 'bad.progress',
    queue: QUEUES.default,
    input: z.strictObject({}),
    // @ts-expect-error -- the same for progress
    progress: z.string().transform((s) => s.length),
  });
});

test('job defaults are typed: a backoff kind that does not exist does not compile', () => {
  defineJob({
    name: 'typo',
    queue: QUEUES.default,
    input: z.strictObject({}),
    // @ts-expect-error -- 'exponental' is not a backoff kind
    defaults: { backoff: { type: 'exponental', delay: 1_000 } },
  });
  defineJob({
    name: 'typo2',
    queue: QUEUES.default,
    input: z.strictObject({}),
    // @ts-expect-error -- attempts is a number
    defaults: { attempts: '3' },
  });
  defineJob({
    name: 'fine',
    queue: QUEUES.default,
    input: z.strictObject({}),
    defaults: { backoff: { type: 'fixed', delay: 500 } },
  });
});

test('a job name with a colon (BullMQ reserves it) does not compile', () => {
  // @ts-expect-error -- `:` separates BullMQ's key parts
  defineJob({ name: 'sms:send', queue: 'q', input: z.strictObject({}) });
  // @ts-expect-error -- whatever the style
  defineJob({ name: 'TEST:JOB', queue: 'q', input: z.strictObject({}) });
  // @ts-expect-error -- queue names are key parts too: no colon
  defineJob({ name: 'ok', queue: 'a:b', input: z.strictObject({}) });
  // @ts-expect-error -- nor braces (Redis Cluster hash tags)
  defineJob({ name: 'ok', queue: '{q}', input: z.strictObject({}) });
  const job = defineJob({
    name: 'sms.send-v2',
    queue: 'sms_2',
    input: z.strictObject({}),
  });
  expectTypeOf(job.name).toEqualTypeOf<'sms.send-v2'>();
  expectTypeOf(job.queue).toEqualTypeOf<'sms_2'>();
  // A name only known at run time is left to the load-time check.
  const dynamic = defineJob({
    name: String('a'),
    queue: QUEUES.default,
    input: z.strictObject({}),
  });
  expectTypeOf(dynamic.name).toEqualTypeOf<string>();
});
