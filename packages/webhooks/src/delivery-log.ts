import {
  DELIVERY_STATUSES,
  MAX_LOGGED_DELIVERIES,
  type DeliveryQuery,
  type WebhookDeliveryView,
  type WebhookEventBody,
} from '@conveyor/core';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { type Keyspace, LuaScript, parseJson } from '@conveyor/queue';

/** A logged delivery, with the body it sends: what a redrive re-enqueues. */
export interface DeliveryRecord extends WebhookDeliveryView {
  body: WebhookEventBody;
}

const StoredDelivery = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  type: z.string(),
  jobId: z.string().nullable(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  maxAttempts: z.number(),
  lastError: z.string().nullable(),
  responseStatus: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  body: z.looseObject({}),
});

/**
 * Writes the record, lists it by creation time (kept on rewrites), and drops
 * the oldest beyond the cap from both structures: one step, so the log and
 * its order never disagree.
 */
const WRITE = new LuaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[1])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, over - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
  redis.call('HDEL', KEYS[1], unpack(old))
end
return 1
`);

/**
 * A tenant's webhook deliveries: status, attempts, last error and response,
 * newest first, at most MAX_LOGGED_DELIVERIES (a capped log, not an archive).
 * The deliverer writes after every attempt; reads name the tenant.
 */
export class DeliveryLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly cap: number = MAX_LOGGED_DELIVERIES,
  ) {}

  async write(tenant: string, record: DeliveryRecord): Promise<void> {
    const stored = JSON.stringify({
      ...record,
      createdAt: record.createdAt.getTime(),
      updatedAt: record.updatedAt.getTime(),
    });
    await WRITE.run(
      this.redis,
      [this.keys.webhookDeliveries(tenant), this.keys.webhookLog(tenant)],
      [record.id, stored, record.createdAt.getTime(), this.cap],
    );
  }

  async get(tenant: string, id: string): Promise<DeliveryRecord | null> {
    const raw = await this.redis.hget(this.keys.webhookDeliveries(tenant), id);
    return raw === null ? null : toRecord(raw);
  }

  /** Newest first. The whole log is at most `cap` entries, so a filter reads it all. */
  async list(tenant: string, query: DeliveryQuery): Promise<DeliveryRecord[]> {
    const ids = await this.redis.zrevrange(this.keys.webhookLog(tenant), 0, -1);
    if (ids.length === 0) return [];
    const raw = await this.redis.hmget(
      this.keys.webhookDeliveries(tenant),
      ...ids,
    );
    const found: DeliveryRecord[] = [];
    for (const entry of raw) {
      const record = entry === null ? null : toRecord(entry);
      if (!record) continue;
      if (query.webhookId !== undefined && record.webhookId !== query.webhookId)
        continue;
      if (query.status !== undefined && record.status !== query.status)
        continue;
      found.push(record);
      if (found.length >= query.limit) break;
    }
    return found;
  }
}

export function toDeliveryView(record: DeliveryRecord): WebhookDeliveryView {
  const { body: _body, ...view } = record;
  return view;
}

function toRecord(raw: string): DeliveryRecord | null {
  const parsed = StoredDelivery.safeParse(parseJson(raw));
  if (!parsed.success) return null;
  const { createdAt, updatedAt, ...rest } = parsed.data;
  return {
    ...(rest as unknown as Omit<DeliveryRecord, 'createdAt' | 'updatedAt'>),
    createdAt: new Date(createdAt),
    updatedAt: new Date(updatedAt),
  };
}
