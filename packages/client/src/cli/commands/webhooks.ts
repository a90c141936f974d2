import type {
  ConveyorRouterInputs as RouterInputs,
  ConveyorRouterOutputs as RouterOutputs,
} from '@conveyor/server';
import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { wholeNumber } from '../numbers.ts';
import { table, toJson } from '../table.ts';

type NewWebhook = RouterInputs['webhooks']['create'];
type DeliveryStatus = RouterOutputs['webhooks']['deliveries'][number]['status'];

/** `webhooks create <url> <events>`: events comma-separated; the secret is printed once. */
export const webhooksCreate = defineCommand({
  args: ['url', 'events'],
  flags: ['jobs', 'label'],
  async run({ client, args, flags, io, json }) {
    const created = await client.webhooks.create.mutate({
      url: args.url,
      // The API checks event and job names, answering with the valid ones.
      events: args.events.split(',') as NewWebhook['events'],
      ...(flags.jobs !== undefined ? { jobs: flags.jobs.split(',') } : {}),
      ...(flags.label !== undefined ? { label: flags.label } : {}),
    });
    if (json) io.out(toJson(created));
    else {
      io.out(created.secret);
      io.err(
        `Webhook ${created.webhook.id} → ${created.webhook.url}. The secret above signs ` +
          'every delivery; it is shown only now: store it where the receiver verifies.',
      );
    }
    return EXIT.ok;
  },
});

export const webhooksList = defineCommand({
  args: [],
  flags: [],
  async run({ client, io, json }) {
    const hooks = await client.webhooks.list.query();
    io.out(
      json
        ? toJson(hooks)
        : table(
            ['ID', 'URL', 'EVENTS', 'JOBS', 'LABEL', 'CREATED'],
            hooks.map((h) => [
              h.id,
              h.url,
              h.events.join(','),
              h.jobs?.join(',') ?? '*',
              h.label || '-',
              h.createdAt.toISOString(),
            ]),
          ),
    );
    return EXIT.ok;
  },
});

export const webhooksRemove = defineCommand({
  args: ['id'],
  flags: [],
  async run({ client, args, io, json }) {
    const result = await client.webhooks.remove.mutate({ id: args.id });
    io.out(json ? toJson(result) : `Webhook ${result.id} removed`);
    return EXIT.ok;
  },
});

export const webhooksTest = defineCommand({
  args: ['id'],
  flags: [],
  async run({ client, args, io, json }) {
    const result = await client.webhooks.test.mutate({ id: args.id });
    io.out(
      json
        ? toJson(result)
        : `Test delivery ${result.deliveryId} queued; see: conveyor webhooks deliveries`,
    );
    return EXIT.ok;
  },
});

/** Newest first: `--state failed` (or pending, retrying, delivered), `--limit N`. */
export const webhooksDeliveries = defineCommand({
  args: [],
  flags: ['state', 'limit'],
  async run({ client, flags, io, json }) {
    const limit = wholeNumber(flags.limit, 'limit');
    const deliveries = await client.webhooks.deliveries.query({
      ...(flags.state !== undefined
        ? { status: flags.state as DeliveryStatus }
        : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
    io.out(
      json
        ? toJson(deliveries)
        : table(
            [
              'ID',
              'WEBHOOK',
              'EVENT',
              'JOB',
              'STATUS',
              'ATTEMPTS',
              'LAST ERROR',
              'UPDATED',
            ],
            deliveries.map((d) => [
              d.id,
              d.webhookId,
              d.type,
              d.jobId ?? '-',
              d.status,
              `${d.attempts}/${d.maxAttempts}`,
              d.lastError ?? '-',
              d.updatedAt.toISOString(),
            ]),
          ),
    );
    return EXIT.ok;
  },
});

export const webhooksRedrive = defineCommand({
  args: ['id'],
  flags: [],
  async run({ client, args, io, json }) {
    const result = await client.webhooks.redrive.mutate({ id: args.id });
    io.out(json ? toJson(result) : `Delivery ${result.id} queued again`);
    return EXIT.ok;
  },
});
