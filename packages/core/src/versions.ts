import type { z } from 'zod';

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
