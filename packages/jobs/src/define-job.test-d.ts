import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineJob, type JobInput, type JobResult } from './define-job.ts';
import { QUEUES } from './queues.ts';

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

test('an unknown queue does not compile', () => {
  // @ts-expect-error -- queues come from QUEUES
  defineJob({ name: 'x', queue: 'emial', input: z.strictObject({}) });
});
