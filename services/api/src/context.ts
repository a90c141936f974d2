import type { AppRegistry } from '@conveyor/jobs';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '@conveyor/queue';
import type { QueueService } from './queue-service.ts';

/**
 * Who is calling. Every request carries one, so procedures are written
 * against it from day one; API tokens (tenant + role) will produce real ones.
 */
export interface Principal {
  subject: string;
  tenantId: string;
  role: 'admin' | 'producer' | 'viewer';
}

/** Until API tokens exist, every caller is this local administrator (bind the API to loopback). */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({
  subject: 'local',
  tenantId: 'default',
  role: 'admin',
});

export interface ApiDeps {
  queues: QueueService<AppRegistry>;
  logger: Logger;
}

/** The request-independent part: what callers and tests build directly. */
export function createContextInner(deps: ApiDeps, principal: Principal | null) {
  return { ...deps, principal };
}

export type Context = ReturnType<typeof createContextInner>;

/** Resolves the caller from a request; returns null (never throws) when it cannot. */
export type Authenticate = (req: IncomingMessage) => Principal | null;

export const authenticateLocal: Authenticate = () => LOCAL_PRINCIPAL;
