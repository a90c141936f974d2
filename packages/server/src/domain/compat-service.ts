import {
  checkCompatibility,
  type AnyRegistry,
  type CompatReport,
  type StoredVersionInventory,
} from '@conveyor/core';
import type { Keyspace } from '@conveyor/queue';
import type { Redis } from 'ioredis';
import { readInstallationVersions } from '../check-stored-compatibility.ts';
import type { JobHistory } from '../history/job-history.ts';
import type { ReadinessService } from './readiness.ts';

/**
 * `compat.*`: which input versions the installation stores, and whether
 * the API's own contract reads them. Admin only: it reads every tenant.
 */
export class CompatService {
  constructor(
    private readonly home: {
      registry: AnyRegistry;
      redis: Redis;
      keys: Keyspace;
      history: JobHistory;
    },
    private readonly readiness: ReadinessService,
  ) {}

  /** Redis's, and history's when it is on (PostgreSQL down: a 503). */
  async inventory(): Promise<StoredVersionInventory> {
    const redis = await this.readiness.up(() =>
      readInstallationVersions(this.home),
    );
    const history = await this.home.history.storedVersions();
    return history === null
      ? redis
      : { groups: [...redis.groups, ...history], history: true };
  }

  async check(): Promise<CompatReport> {
    return checkCompatibility(this.home.registry, await this.inventory());
  }
}
