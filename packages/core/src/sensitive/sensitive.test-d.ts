import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineJob, type JobInput, type JobResult } from '../define-job.ts';
import { sensitive } from './sensitive.ts';

describe('sensitive() types', () => {
  it('keeps the schema’s own type: callers send and processors receive plain values', () => {
    expectTypeOf(sensitive(z.string())).toEqualTypeOf<z.ZodString>();
    const _job = defineJob({
      name: 'typed.secret',
      queue: 'default',
      input: z.strictObject({
        to: sensitive(z.string()),
        at: sensitive(z.date()).optional(),
      }),
      result: z.strictObject({ receipt: sensitive(z.string()) }),
    });
    expectTypeOf<JobInput<typeof _job>>().toEqualTypeOf<{
      to: string;
      at?: Date | undefined;
    }>();
    expectTypeOf<JobResult<typeof _job>>().toEqualTypeOf<{ receipt: string }>();
    // @ts-expect-error a sensitive number is still a number
    sensitive(z.number()).parse(1) satisfies string;
  });
});
