import { expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type { StreamIdSchema, StreamId } from './ids.ts';

test('a stream id is typed <number>-<number> where a caller writes one', () => {
  // @ts-expect-error -- not a stream id
  const word: StreamId = 'nope';
  // @ts-expect-error -- nor half of one
  const half: StreamId = '1700000000000';
  const ok: StreamId = '1700000000000-0';
  void [word, half, ok];
  expectTypeOf<z.input<typeof StreamIdSchema>>().toEqualTypeOf<StreamId>();
  expectTypeOf<
    z.output<typeof StreamIdSchema>
  >().toEqualTypeOf<`${number}-${number}`>();
  // As `jobs.watch` takes it (`lastEventId`).
  expectTypeOf<
    z.input<ReturnType<typeof StreamIdSchema.nullish>>
  >().toEqualTypeOf<StreamId | null | undefined>();
});
