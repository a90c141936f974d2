import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import type { registry } from './catalog/index.ts';
import { defineJob, type JobInput, type JobResult } from './define-job.ts';
import type { Producer } from './producer.ts';
import { QUEUES } from './queues.ts';

test('a job carries its input and result types', () => {
  const job = defineJob({
    name: 'report.build',
    queue: QUEUES.default,
    input: z.object({ id: z.string(), pages: z.number().default(1) }),
    result: z.object({ url: z.string() }),
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
    input: z.object({}),
  });
  expectTypeOf<JobResult<typeof fire>>().toEqualTypeOf<void>();
  expectTypeOf(fire.name).toEqualTypeOf<'fire'>();
});

test('a schema that changes type when parsed is refused (the worker re-parses stored payloads)', () => {
  defineJob({
    name: 'bad',
    queue: QUEUES.default,
    // @ts-expect-error -- string in, number out: re-validating the stored number would fail
    input: z.object({ n: z.string().transform(Number) }),
  });
});

test('an unknown queue does not compile', () => {
  // @ts-expect-error -- queues come from QUEUES
  defineJob({ name: 'x', queue: 'emial', input: z.object({}) });
});

test('the producer accepts exactly the catalog requests', () => {
  const producer = {} as Producer<typeof registry>;
  expectTypeOf(
    producer.enqueue({ name: 'TEST_JOB', data: { message: 'x' } }),
  ).resolves.toEqualTypeOf<{
    id: string;
    name: 'TEST_JOB';
    queue: 'default' | 'sms' | 'email';
  }>();
  // @ts-expect-error -- unknown job
  void producer.enqueue({ name: 'nope', data: {} });
  // @ts-expect-error -- wrong payload for the job
  void producer.enqueue({ name: 'sms.send', data: { message: 1 } });
});
