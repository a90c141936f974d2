import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineJob } from './define-job.ts';
import { versions } from './versions.ts';

const v1 = z.strictObject({ to: z.string(), body: z.string() });
const v2 = z.strictObject({
  to: z.string(),
  text: z.string(),
  locale: z.string().default('en'),
});
const v3 = z.strictObject({ to: z.array(z.string()), text: z.string() });

test('an upcaster takes the previous output and returns the next input', () => {
  versions(v1).next(v2, (old) => {
    expectTypeOf(old).toEqualTypeOf<{ to: string; body: string }>();
    // `locale` has a default: the next version's input may leave it out.
    return { to: old.to, text: old.body };
  });
});

test('a version after the first without an upcaster does not compile', () => {
  // @ts-expect-error -- the upcaster is required
  versions(v1).next(v2);
});

test('an upcaster that returns the wrong shape does not compile', () => {
  // @ts-expect-error -- v2 has no `body`, and needs `text`
  versions(v1).next(v2, (old) => ({ to: old.to, body: old.body }));
});

test('an upcaster that reads a field the previous version lacks does not compile', () => {
  versions(v1)
    .next(v2, (old) => ({ to: old.to, text: old.body }))
    // @ts-expect-error -- v2's output has no `body`
    .next(v3, (old) => ({ to: [old.to], text: String(old.body) }));
});

test('a job whose versions end in its input compiles, with the current type', () => {
  const job = defineJob({
    name: 'sms.send',
    queue: 'sms',
    input: v3,
    versions: versions(v1)
      .next(v2, (old) => ({ to: old.to, text: old.body }))
      .next(v3, (old) => ({ to: [old.to], text: old.text })),
  });
  expectTypeOf(job.version).toEqualTypeOf<number>();
});

test('versions that end in another schema than the input do not compile', () => {
  defineJob({
    name: 'sms.send',
    queue: 'sms',
    input: v3,
    // @ts-expect-error -- the history ends in v2, the input is v3
    versions: versions(v1).next(v2, (old) => ({ to: old.to, text: old.body })),
  });
});
