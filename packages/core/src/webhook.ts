import { z } from 'zod';
import type { AnyRegistry } from './registry.ts';
import type { MissedRunPolicy } from './schedule.ts';

/**
 * The lifecycle events a webhook may subscribe to. The worker reports more
 * (retrying, stalled, cancelled); those are operational noise for a receiver
 * and stay in the event log.
 */
export const WEBHOOK_EVENTS = [
  'job.completed',
  'job.failed',
  'job.dead-lettered',
  'schedule.missed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
/** What `webhooks.test` sends: no subscription needed. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export const MAX_WEBHOOKS_PER_TENANT = 20;
export const MAX_WEBHOOK_URL_LENGTH = 2_048;
/** Deliveries kept per tenant in its log (oldest dropped first). */
export const MAX_LOGGED_DELIVERIES = 1_000;
export const MAX_DELIVERIES_PAGE = 100;

export const WebhookIdSchema = z
  .string()
  .regex(/^wh_[0-9a-f]{16}$/, 'A webhook id is wh_ and 16 hex digits');
export const DeliveryIdSchema = z
  .string()
  .regex(/^dlv_[0-9a-f]{32}$/, 'A delivery id is dlv_ and 32 hex digits');

/**
 * http(s) only, no credentials in the URL (they would be stored and shown in
 * lists), no fragment (a client never sends it, so the receiver would not see
 * what the caller wrote). Stored and returned as WHATWG serialises it
 * (normalWebhookUrl), so one endpoint has one spelling. Whether its host is a
 * public address is checked by the server.
 */
export const WebhookUrlSchema = z
  .string()
  .max(MAX_WEBHOOK_URL_LENGTH)
  .superRefine((url, ctx) => {
    const problem = urlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(normalWebhookUrl)
  // Punycode can lengthen a host: the stored form is bounded too.
  .refine((url) => url.length <= MAX_WEBHOOK_URL_LENGTH, {
    message: `A webhook URL is at most ${MAX_WEBHOOK_URL_LENGTH} characters once normalised`,
  });

/**
 * `HTTPS://Example.COM:443/a/../hook` → `https://example.com/hook`: scheme and
 * host lowercased, the default port dropped, an IDN host in punycode, dot
 * segments resolved, needless escapes undone as WHATWG does.
 */
export function normalWebhookUrl(url: string): string {
  return new URL(url).href;
}

function urlProblem(url: string): string | null {
  if (!URL.canParse(url)) return 'Not a URL';
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return 'A webhook URL is http or https';
  if (parsed.username !== '' || parsed.password !== '')
    return 'A webhook URL may not hold credentials';
  if (url.includes('#'))
    return 'A webhook URL may not have a fragment (#…): it is never sent to the receiver';
  return null;
}

/** A new webhook's fields; `jobs` may name only the registry's jobs. */
export function newWebhookSchema<R extends AnyRegistry>(registry: R) {
  return z.strictObject({
    url: WebhookUrlSchema,
    events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .min(1)
      .max(WEBHOOK_EVENTS.length)
      .refine((events) => new Set(events).size === events.length, {
        message: 'Each event once',
      }),
    /** Only events of these jobs; every job when omitted. */
    jobs: z.array(registry.jobName).min(1).max(100).optional(),
    label: z.string().max(100).optional(),
  });
}
export interface NewWebhook<TJobName extends string = string> {
  url: string;
  events: WebhookEventType[];
  jobs?: TJobName[] | undefined;
  label?: string | undefined;
}

export const DELIVERY_STATUSES = [
  'pending',
  'retrying',
  'delivered',
  'failed',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DeliveryQuerySchema = z.strictObject({
  webhookId: WebhookIdSchema.optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.number().int().min(1).max(MAX_DELIVERIES_PAGE).default(50),
});
export type DeliveryQuery = z.infer<typeof DeliveryQuerySchema>;

/** A webhook as reads show it: never its secret, which `create` returns once. */
export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEventType[];
  /** Job names it is limited to; null = every job. */
  jobs: string[] | null;
  label: string;
  createdAt: Date;
}

/** One event's delivery to one webhook, across its attempts. */
export interface WebhookDeliveryView {
  /** Also the `Conveyor-Delivery` header: the same on every attempt. */
  id: string;
  webhookId: string;
  eventId: string;
  type: WebhookEventType | typeof WEBHOOK_TEST_EVENT;
  jobId: string | null;
  status: DeliveryStatus;
  /** Attempts made so far, and allowed. */
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  /** The receiver's HTTP status on the last attempt; null when none came. */
  responseStatus: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The JSON body of every delivery. No job payload or result: they may hold
 * personal data the receiver has no need for; it can read the job with a
 * token (`jobs.get`).
 */
export interface WebhookEventBody {
  /** The event's id, the same for every webhook and every attempt. */
  id: string;
  type: WebhookEventType | typeof WEBHOOK_TEST_EVENT;
  /** ISO-8601. */
  createdAt: string;
  tenantId: string;
  data: {
    jobId: string;
    name: string;
    queue: string;
    attempt: number;
    attempts: number;
    error?: string;
    scheduleId?: string;
    /** ISO-8601: the tick that came due. */
    tickAt?: string;
    policy?: MissedRunPolicy;
  };
}
