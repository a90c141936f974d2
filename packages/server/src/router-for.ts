import type { AnyRegistry } from '@conveyor/core';
import {
  createConveyorRouter,
  type ConveyorRouter,
} from './create-conveyor-router.ts';

const built = new WeakMap<AnyRegistry, unknown>();

/**
 * The router for a registry, built once: every server, plugin and
 * in-process client over the same registry shares it (building one walks
 * every job's schemas).
 */
export function routerFor<R extends AnyRegistry>(
  registry: R,
): ConveyorRouter<R> {
  const cached = built.get(registry);
  if (cached) return cached as ConveyorRouter<R>;
  const router = createConveyorRouter(registry);
  built.set(registry, router);
  return router;
}
