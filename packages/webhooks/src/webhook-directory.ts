import type { WebhookView } from '@conveyor/core';
import type { Logger } from 'pino';
import { toView, type WebhookStore } from './webhook-store.ts';

/** How stale a worker's view of a tenant's webhooks may be (docs/webhooks.md). */
export const DEFAULT_WEBHOOK_REFRESH_MS = 5_000;
/** A tenant with no event for this long is forgotten (and read again on its next). */
const IDLE_MS = 10 * 60_000;

interface Entry {
  hooks: WebhookView[];
  seenAt: number;
}

/**
 * The worker's in-memory copy of each tenant's webhooks (without secrets),
 * so an event costs no Redis read: a tenant is read once, on its first event
 * in this process, then every tenant seen is refreshed together in the
 * background every `refreshMs`. A webhook created or removed is seen within
 * that time; until then events go by the previous list.
 */
export class WebhookDirectory {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<WebhookView[]>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: WebhookStore,
    private readonly logger: Logger,
    refreshMs: number = DEFAULT_WEBHOOK_REFRESH_MS,
  ) {
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }

  /** The tenant's webhooks; reads Redis only the first time a tenant is seen. */
  forTenant(tenant: string): Promise<WebhookView[]> | WebhookView[] {
    const entry = this.entries.get(tenant);
    if (entry) {
      entry.seenAt = Date.now();
      return entry.hooks;
    }
    // Concurrent first events of a tenant share one read.
    let load = this.loading.get(tenant);
    if (!load) {
      load = this.load(tenant).finally(() => this.loading.delete(tenant));
      this.loading.set(tenant, load);
    }
    return load;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async load(tenant: string): Promise<WebhookView[]> {
    const hooks = (await this.store.records(tenant)).map(toView);
    this.entries.set(tenant, { hooks, seenAt: Date.now() });
    return hooks;
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    const tenants = [...this.entries].flatMap(([tenant, entry]) => {
      if (now - entry.seenAt < IDLE_MS) return [tenant];
      this.entries.delete(tenant);
      return [];
    });
    // A failed read keeps the previous list: better slightly stale than none.
    await Promise.all(
      tenants.map((tenant) =>
        this.load(tenant).catch((error: unknown) =>
          this.logger.debug({ err: error, tenant }, 'webhook refresh failed'),
        ),
      ),
    );
  }
}
