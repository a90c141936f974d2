import type { z } from 'zod';
import { assertSchemaRules } from './schema-rules.ts';

type Schema = z.ZodType<unknown, unknown>;

/**
 * One step of a job's input history: the schema payloads of this version
 * were written with, and how a payload of the version before becomes one of
 * this version. Version 1 has no upcaster.
 */
export interface SchemaVersion {
  readonly schema: z.ZodType;
  readonly upcast: ((previous: unknown) => unknown) | null;
}

/**
 * A job's input schemas in the order they were released, built with
 * `versions(v1).next(v2, upcast)…`. The last one is the job's `input`.
 * `TCurrent` is invariant, so a chain must end in exactly the input's schema
 * type (checked at load too: the very same object).
 */
export interface SchemaVersions<TCurrent extends Schema> {
  /** Oldest first: `steps[0]` is version 1. */
  readonly steps: readonly SchemaVersion[];
  readonly current: TCurrent;
  /**
   * Adds the next version. The upcaster takes what the previous version's
   * schema parsed (its output type) and returns what the new schema accepts
   * (its input type): an upcaster of other types, or none, does not compile.
   */
  next<TNext extends Schema>(
    schema: TNext,
    upcast: (previous: z.output<TCurrent>) => z.input<TNext>,
  ): SchemaVersions<TNext>;
  /** Keeps `TCurrent` invariant (a phantom: never set). */
  readonly _invariant?: (current: TCurrent) => TCurrent;
}

/** Starts a job's version history with the schema its first payloads were written with (version 1). */
export function versions<TFirst extends Schema>(
  first: TFirst,
): SchemaVersions<TFirst> {
  return chain([{ schema: first, upcast: null }], first);
}

function chain<TCurrent extends Schema>(
  steps: readonly SchemaVersion[],
  current: TCurrent,
): SchemaVersions<TCurrent> {
  return Object.freeze({
    steps: Object.freeze(steps),
    current,
    next<TNext extends Schema>(
      schema: TNext,
      upcast: (previous: z.output<TCurrent>) => z.input<TNext>,
    ): SchemaVersions<TNext> {
      if (typeof upcast !== 'function')
        throw new Error('Each version after the first needs an upcaster');
      const step = { schema, upcast: upcast as (p: unknown) => unknown };
      return chain([...steps, step], schema);
    },
  });
}

/** A version history must end in the input itself, and each older schema follows the schema rules. */
export function checkVersions(
  jobName: string,
  { input, versions }: { input: z.ZodType; versions?: unknown },
): readonly SchemaVersion[] {
  const spec = versions as SchemaVersions<z.ZodType> | undefined;
  if (!spec) return Object.freeze([{ schema: input, upcast: null }]);
  if (spec.current !== input)
    throw new Error(
      `Job "${jobName}": versions must end with the job's input schema (the same object)`,
    );
  spec.steps.forEach((step, index) => {
    if (index > 0 && typeof step.upcast !== 'function')
      throw new Error(`Job "${jobName}": version ${index + 1} has no upcaster`);
    assertSchemaRules(jobName, 'input', step.schema);
  });
  return spec.steps;
}
