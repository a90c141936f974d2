import { defineJob, defineRegistry } from '@conveyor/core';
import { QUEUES } from '@conveyor/fixtures';
import { isolated, type ProcessorMap } from '@conveyor/worker';
import { test } from 'vitest';
import { z } from 'zod';
import type * as spin from './fixtures/spin-processor.ts';
import type { faultRegistry } from './fixtures/fault-jobs.ts';

type FaultMap = ProcessorMap<typeof faultRegistry>;
declare const others: Omit<FaultMap, 'fault.spin'>;
const url = new URL('./fixtures/spin-processor.ts', import.meta.url);

test('an isolated processor is checked against its job like an in-process one', () => {
  const ok: FaultMap = {
    ...others,
    'fault.spin': isolated<typeof spin>(url),
  };
  void ok;
});

test('an export name the module lacks does not compile', () => {
  const wrong: FaultMap = {
    ...others,
    // @ts-expect-error -- spin-processor.ts has no export "build"
    'fault.spin': isolated<typeof spin, 'build'>(url, 'build'),
  };
  void wrong;
});

const _otherRegistry = defineRegistry([
  defineJob({
    name: 'other',
    queue: QUEUES.default,
    input: z.strictObject({ n: z.number() }),
    result: z.strictObject({ n: z.number() }),
  }),
]);

test('a module whose processor serves another job does not compile', () => {
  const wrong: ProcessorMap<typeof _otherRegistry> = {
    // @ts-expect-error -- spin's processor returns { attempt, pid }, not { n }
    other: isolated<typeof spin>(url),
  };
  void wrong;
});
