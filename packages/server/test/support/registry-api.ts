import { createConveyorClient } from '@conveyor/client';
import type { AnyRegistry } from '@conveyor/core';
import type { AnyConveyorRouter } from '../../src/create-conveyor-router.ts';
import { startVersionedApi } from './versioned-api.ts';

export interface RegistryApi {
  apiUrl: string;
  /** A client of any registry's router, presenting `token`. */
  clientWith(
    token: string,
  ): ReturnType<typeof createConveyorClient<AnyConveyorRouter>>;
  close(): Promise<void>;
}

/**
 * A real API for any registry over an existing prefix (one release's API,
 * `startVersionedApi`), with an untyped client: releases of one app (a v1
 * and a v2 contract) served one after the other over the same Redis. The
 * prefix is the caller's to delete.
 */
export async function startRegistryApi(
  redisUrl: string,
  options: {
    registry: AnyRegistry;
    prefix: string;
    adminToken: string;
    /** History on, in this database (migrated here). */
    historyUrl?: string;
  },
): Promise<RegistryApi> {
  const { historyUrl, ...release } = options;
  const api = await startVersionedApi(redisUrl, {
    ...release,
    ...(historyUrl === undefined
      ? {}
      : { history: { databaseUrl: historyUrl } }),
  });
  return {
    apiUrl: api.apiUrl,
    clientWith: (token) =>
      createConveyorClient<AnyConveyorRouter>({
        url: `${api.apiUrl}/trpc`,
        token,
      }),
    close: () => api.close(),
  };
}
