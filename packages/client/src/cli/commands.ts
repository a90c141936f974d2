import type { ConveyorClient } from '../create-client.ts';
import { isConveyorError } from '../errors.ts';
import { reviveDates } from './dates.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { CliError } from './failure.ts';
import {
  formatValue,
  json,
  progressBar,
  table,
  type Output,
} from './output.ts';

export interface CommandContext {
  client: ConveyorClient;
  args: string[];
  flags: {
    json: boolean;
    state?: string | undefined;
    name?: string | undefined;
    limit?: string | undefined;
    cursor?: string | undefined;
    delay?: string | undefined;
    priority?: string | undefined;
    idempotencyKey?: string | undefined;
  };
  io: Output;
}

type Command = (ctx: CommandContext) => Promise<ExitCode>;
type EnqueueInput = Parameters<ConveyorClient['enqueue']['mutate']>[0];
type JobState = NonNullable<
  Parameters<ConveyorClient['jobs']['list']['query']>[0]
>['state'];

function arg(ctx: CommandContext, index: number, what: string): string {
  const value = ctx.args[index];
  if (value === undefined)
    throw new CliError(
      `Missing ${what}. See conveyor --help.`,
      EXIT.invalidInput,
    );
  return value;
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n))
    throw new CliError(
      `${flag} must be a whole number, got "${value}"`,
      EXIT.invalidInput,
    );
  return n;
}

const enqueue: Command = async (ctx) => {
  const name = arg(ctx, 0, 'job name');
  const raw = arg(ctx, 1, 'JSON payload');
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    throw new CliError(
      `The payload is not valid JSON: ${(error as Error).message}`,
      EXIT.invalidInput,
    );
  }
  const options = {
    ...(ctx.flags.delay !== undefined
      ? { delay: integer(ctx.flags.delay, '--delay') }
      : {}),
    ...(ctx.flags.priority !== undefined
      ? { priority: integer(ctx.flags.priority, '--priority') }
      : {}),
    ...(ctx.flags.idempotencyKey !== undefined
      ? { idempotencyKey: ctx.flags.idempotencyKey }
      : {}),
  };
  const request = {
    name,
    data,
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
  let job;
  try {
    job = await ctx.client.enqueue.mutate(request as EnqueueInput);
  } catch (error) {
    // JSON carries dates as strings: convert the fields the API says want a Date, once.
    const revived = isConveyorError(error)
      ? reviveDates(request, error.data?.issues ?? [])
      : null;
    if (!revived) throw error;
    job = await ctx.client.enqueue.mutate(revived as EnqueueInput);
  }
  ctx.io.out(
    ctx.flags.json
      ? json(job)
      : `Enqueued ${job.name} as job ${job.id} on queue "${job.queue}"`,
  );
  return EXIT.ok;
};

const get: Command = async (ctx) => {
  const job = await ctx.client.jobs.get.query({ id: arg(ctx, 0, 'job id') });
  if (ctx.flags.json) ctx.io.out(json(job));
  else
    ctx.io.out(
      table(
        ['FIELD', 'VALUE'],
        Object.entries(job).map(([k, v]) => [k, formatValue(v)]),
      ),
    );
  return EXIT.ok;
};

const list: Command = async (ctx) => {
  const page = await ctx.client.jobs.list.query({
    ...(ctx.flags.state ? { state: ctx.flags.state as JobState } : {}),
    ...(ctx.flags.name ? { name: ctx.flags.name } : {}),
    limit: integer(ctx.flags.limit, '--limit') ?? 20,
    ...(ctx.flags.cursor ? { cursor: ctx.flags.cursor } : {}),
  });
  if (ctx.flags.json) {
    ctx.io.out(json(page));
    return EXIT.ok;
  }
  ctx.io.out(
    table(
      ['ID', 'NAME', 'STATE', 'CREATED', 'ATTEMPTS'],
      page.items.map((j) => [
        j.id,
        j.name,
        j.state,
        j.createdAt.toISOString(),
        `${j.attemptsMade}/${j.attempts}`,
      ]),
    ),
  );
  if (page.nextCursor)
    ctx.io.out(`More: conveyor list --cursor ${page.nextCursor}`);
  return EXIT.ok;
};

const stats: Command = async (ctx) => {
  const counts = await ctx.client.queues.stats.query();
  if (ctx.flags.json) {
    ctx.io.out(json(counts));
    return EXIT.ok;
  }
  const states = [
    'waiting',
    'delayed',
    'active',
    'completed',
    'failed',
  ] as const;
  ctx.io.out(
    table(
      ['QUEUE', ...states.map((s) => s.toUpperCase())],
      Object.entries(counts).map(([queue, c]) => [
        queue,
        ...states.map((s) => String(c[s])),
      ]),
    ),
  );
  return EXIT.ok;
};

const steer =
  (action: 'cancel' | 'retry' | 'promote'): Command =>
  async (ctx) => {
    const id = arg(ctx, 0, 'job id');
    const result = await ctx.client.jobs[action].mutate({ id });
    ctx.io.out(
      ctx.flags.json ? json(result) : `Job ${result.id}: ${result.state}`,
    );
    return EXIT.ok;
  };

const watch: Command = (ctx) => {
  const id = arg(ctx, 0, 'job id');
  return new Promise<ExitCode>((resolve, reject) => {
    let outcome: ExitCode = EXIT.unexpected;
    const subscription = ctx.client.jobs.watch.subscribe(
      { id },
      {
        onData: ({ data: event }) => {
          if (ctx.flags.json) ctx.io.out(json(event));
          if (event.type === 'progress') {
            if (!ctx.flags.json) {
              const bar =
                progressBar(event.progress) ?? formatValue(event.progress);
              if (ctx.io.isTTY) process.stdout.write(`\r${bar}`);
              else ctx.io.out(bar);
            }
            return;
          }
          if (!ctx.flags.json) {
            if (ctx.io.isTTY) process.stdout.write('\n');
            ctx.io.out(
              event.type === 'completed'
                ? `Completed: ${formatValue(event.result)}`
                : `${event.type === 'failed' ? 'Failed' : 'Cancelled'}: ${event.reason}`,
            );
          }
          outcome =
            event.type === 'completed'
              ? EXIT.ok
              : event.type === 'failed'
                ? EXIT.jobFailed
                : EXIT.jobCancelled;
        },
        onComplete: () => resolve(outcome),
        onError: (error) => {
          subscription.unsubscribe();
          reject(error);
        },
      },
    );
  });
};

export const COMMANDS: Record<string, Command> = {
  enqueue,
  get,
  list,
  watch,
  cancel: steer('cancel'),
  retry: steer('retry'),
  promote: steer('promote'),
  stats,
};
