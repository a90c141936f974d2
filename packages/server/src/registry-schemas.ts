import type {
  AnyRegistry,
  EnqueueManyRequest,
  EnqueueManyRequestInput,
  EnqueueRequest,
  EnqueueRequestInput,
  JobName,
} from '@conveyor/core';
import type { z } from 'zod';

type Jobs<R extends AnyRegistry> = R['jobs'];

/**
 * A registry's request schemas, typed by its own jobs. Read off a generic
 * `R`, `registry.enqueueRequest` is seen through `AnyRegistry` by tRPC's
 * `.input()` (an untyped client input); spelt in `R['jobs']`, the input type
 * waits for the app's registry and is exact there.
 */
export function registrySchemas<R extends AnyRegistry>(registry: R) {
  return {
    enqueueRequest: registry.enqueueRequest as z.ZodType<
      EnqueueRequest<Jobs<R>>,
      EnqueueRequestInput<Jobs<R>>
    >,
    enqueueManyRequest: registry.enqueueManyRequest as z.ZodType<
      EnqueueManyRequest<Jobs<R>>,
      EnqueueManyRequestInput<Jobs<R>>
    >,
    jobName: registry.jobName as z.ZodType<JobName<Jobs<R>>, JobName<Jobs<R>>>,
  };
}
