import {
  MAX_WEBHOOKS_PER_TENANT,
  WEBHOOK_EVENTS,
  normalWebhookUrl,
  WebhookLimitError,
  type WebhookEventType,
  type WebhookView,
} from '@conveyor/core';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type Keyspace, LuaScript, parseJson } from '@conveyor/queue';
import { newWebhookSecret } from './webhook-secret.ts';

/** A webhook as stored: with its secret, which signs every delivery. */
export interface WebhookRecord extends WebhookView {
  secret: string;
}

const StoredWebhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  jobs: z.array(z.string()).nullable(),
  label: z.string(),
  secret: z.string(),
  createdAt: z.number(),
});

/** What a webhook is made of; the API parsed it (`NewWebhookSchema`). */
export interface WebhookSpec {
  url: string;
  events: readonly WebhookEventType[];
  jobs?: readonly string[] | undefined;
  label?: string | undefined;
}

/** Adds only while the tenant is under its limit: the count and the add are one step. */
const ADD_UNDER_LIMIT = new LuaScript(`
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`);

/**
 * A tenant's webhook endpoints, one hash per tenant (`cv:t:{tenant}:webhooks`):
 * every read and removal names the tenant, so one tenant cannot reach
 * another's webhook even by its id. The secret is kept as is (it must sign),
 * and leaves this store only through `create`'s answer and the deliverer.
 */
export class WebhookStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly maxPerTenant: number = MAX_WEBHOOKS_PER_TENANT,
  ) {}

  /** Throws WebhookLimitError at the limit. The URL must have been checked (ssrf-guard). */
  async create(tenant: string, spec: WebhookSpec): Promise<WebhookRecord> {
    const record: WebhookRecord = {
      id: `wh_${randomBytes(8).toString('hex')}`,
      // The API's schema normalised it already; an in-process caller may not have.
      url: normalWebhookUrl(spec.url),
      events: [...spec.events],
      jobs: spec.jobs ? [...spec.jobs] : null,
      label: spec.label ?? '',
      secret: newWebhookSecret(),
      createdAt: new Date(),
    };
    const stored = JSON.stringify({
      ...record,
      createdAt: record.createdAt.getTime(),
    });
    const added = await ADD_UNDER_LIMIT.run(
      this.redis,
      [this.keys.webhooks(tenant)],
      [record.id, stored, this.maxPerTenant],
    );
    if (added !== 1) throw new WebhookLimitError(this.maxPerTenant);
    return record;
  }

  /** Every webhook of the tenant, with secrets: for the dispatcher and deliverer. */
  async records(tenant: string): Promise<WebhookRecord[]> {
    const raw = await this.redis.hvals(this.keys.webhooks(tenant));
    return raw
      .map(toRecord)
      .filter((r): r is WebhookRecord => r !== null)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  async get(tenant: string, id: string): Promise<WebhookRecord | null> {
    const raw = await this.redis.hget(this.keys.webhooks(tenant), id);
    return raw === null ? null : toRecord(raw);
  }

  /** Newest first; never a secret. */
  async list(tenant: string): Promise<WebhookView[]> {
    return (await this.records(tenant)).map(toView);
  }

  /** False when the tenant has no such webhook. */
  async remove(tenant: string, id: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.webhooks(tenant), id)) === 1;
  }
}

export function toView(record: WebhookRecord): WebhookView {
  const { secret: _secret, ...view } = record;
  return view;
}

function toRecord(raw: string): WebhookRecord | null {
  const parsed = StoredWebhook.safeParse(parseJson(raw));
  if (!parsed.success) return null;
  return { ...parsed.data, createdAt: new Date(parsed.data.createdAt) };
}
