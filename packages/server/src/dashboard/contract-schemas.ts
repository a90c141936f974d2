import type { AnyRegistry } from '@conveyor/core';
import { z } from 'zod';
import { requiredTemplate } from './required-template.ts';

/** One job's contract as JSON Schema: what `data` must be, what it returns and reports. */
export interface JobSchemas {
  queue: string;
  /** The contract's defaults (attempts, backoff, timeout…), as JSON. */
  defaults: object;
  input: object;
  result: object;
  progress: object;
}

/**
 * The contract as JSON Schema (`GET {base}/schemas`, and the board's add-job
 * editor). A `Date` becomes an ISO-8601 string, which the board's add-job
 * accepts and converts (`add-job.ts`); a type JSON Schema cannot express
 * becomes `{}` (any) rather than failing the page.
 */
export function contractSchemas(
  registry: AnyRegistry,
): Record<string, JobSchemas> {
  const jobs = registry.names.flatMap((name) => registry.get(name) ?? []);
  return Object.fromEntries(
    jobs.map((job) => [
      job.name,
      {
        queue: job.queue,
        defaults: JSON.parse(JSON.stringify(job.defaults ?? {})) as object,
        input: toJsonSchema(job.input),
        result: toJsonSchema(job.result),
        progress: toJsonSchema(job.progress),
      },
    ]),
  );
}

/** Per queue: a description naming its jobs, and its add-job schema (one job's, or any of them). */
export function queuePresentation(
  schemas: Record<string, JobSchemas>,
  basePath: string,
): Record<string, { description: string; jobDataSchema: object }> {
  const byQueue = new Map<string, [string, JobSchemas][]>();
  for (const entry of Object.entries(schemas))
    byQueue.set(entry[1].queue, [
      ...(byQueue.get(entry[1].queue) ?? []),
      entry,
    ]);
  return Object.fromEntries(
    [...byQueue].map(([queue, jobs]) => [
      queue,
      {
        description: `${jobs.length === 1 ? 'Job' : 'Jobs (name one when adding)'}: ${jobs.map(([name]) => name).join(', ')}. Data is shown decoded; schemas at ${basePath}/schemas`,
        // `default` is the form's starting value: required fields only.
        jobDataSchema:
          jobs.length === 1
            ? {
                ...jobs[0]?.[1].input,
                default: requiredTemplate(jobs[0]?.[1].input ?? {}, new Date()),
              }
            : {
                anyOf: jobs.map(([name, s]) => ({ title: name, ...s.input })),
                default: {},
              },
      },
    ]),
  );
}

function toJsonSchema(schema: z.ZodType): object {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema._zod.def.type === 'date') {
        jsonSchema.type = 'string';
        jsonSchema.format = 'date-time';
      }
    },
  });
}
