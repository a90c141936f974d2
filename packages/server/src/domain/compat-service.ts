import {
  checkCompatibility,
  type AnyRegistry,
  type CompatReport,
  type StoredVersionInventory,
} from '@conveyor/core';
import type { Keyspace } from '@conveyor/queue';
import type { Redis } from 'ioredis';
import { readInstallationVersions } from '../check-stored-compatibility.ts';
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
    },
    private readonly readiness: ReadinessService,
  ) {}

  inventory(): Promise<StoredVersionInventory> {
    return this.readiness.up(() => readInstallationVersions(this.home));
  }

  async check(): Promise<CompatReport> {
    return checkCompatibility(this.home.registry, await this.inventory());
  }
}
