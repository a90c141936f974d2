import type {
  ConveyorRouterInputs as RouterInputs,
  ConveyorRouterOutputs as RouterOutputs,
} from '@conveyor/server';
import { CliError } from '../cli-error.ts';
import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseJsonArgument, sendWithDates } from '../json-argument.ts';
import { table, toJson } from '../table.ts';

// The CLI knows no job schemas: the API validates the data and the timing.
type Upsert = RouterInputs['schedules']['upsert'];
type View = RouterOutputs['schedules']['get'];

const timingOf = (s: View) =>
  s.cron !== null
    ? `cron ${s.cron} (${s.tz ?? 'UTC'})`
    : `every ${(s.everyMs ?? 0) / 1_000}s`;

/** When it last fired; the job and its state only when the caller may read it. */
function lastTickOf({ lastTick }: View): string {
  if (!lastTick) return 'never fired';
  const at = lastTick.at.toISOString();
  return lastTick.jobId ? `${at} ${lastTick.jobId} (${lastTick.state})` : at;
}

function describe(s: View): string {
  const contract =
    s.source === 'contract'
      ? ` (declared in the contract, for ${s.tenant === null ? 'another tenant' : `tenant ${s.tenant}`}; read-only)`
      : '';
  return [
    `${s.name}: ${s.job} ${timingOf(s)}${s.paused ? ', paused' : ''}, missed runs: ${s.missed}${contract}`,
    `  data: ${JSON.stringify(s.data)}`,
    ...s.nextRuns.map((at) => `  next: ${at.toISOString()}`),
    `  last: ${lastTickOf(s)}`,
  ].join('\n');
}

/** `schedules set <name> <job> <json> --cron '0 3 * * *' [--tz Europe/Paris] | --every 15m`. */
export const schedulesSet = defineCommand({
  args: ['name', 'job', 'json'],
  flags: ['cron', 'tz', 'every', 'missed'],
  async run({ client, args, flags, io, json }) {
    const data = parseJsonArgument(args.json, 'data');
    if ((flags.cron === undefined) === (flags.every === undefined))
      throw new CliError(
        'Give --cron or --every (not both)',
        EXIT.invalidInput,
      );
    const every = flags.every;
    const request = {
      name: args.name,
      job: args.job,
      data,
      ...(flags.cron !== undefined ? { cron: flags.cron } : {}),
      ...(flags.tz !== undefined ? { tz: flags.tz } : {}),
      ...(every !== undefined
        ? { every: /^\d+$/.test(every) ? Number(every) : every }
        : {}),
      ...(flags.missed !== undefined ? { missed: flags.missed } : {}),
    } as Upsert;
    const view = await sendWithDates(request, (r) =>
      client.schedules.upsert.mutate(r),
    );
    io.out(json ? toJson(view) : describe(view));
    return EXIT.ok;
  },
});

export const schedulesList = defineCommand({
  args: [],
  flags: [],
  async run({ client, io, json }) {
    const all = await client.schedules.list.query();
    io.out(
      json
        ? toJson(all)
        : table(
            ['NAME', 'SOURCE', 'JOB', 'TIMING', 'STATE', 'NEXT RUN', 'LAST'],
            all.map((s) => [
              s.name,
              s.source,
              s.job,
              timingOf(s),
              s.paused ? 'paused' : 'active',
              s.nextRuns[0]?.toISOString() ?? '-',
              s.lastTick ? (s.lastTick.state ?? 'fired') : 'never',
            ]),
          ),
    );
    return EXIT.ok;
  },
});

export const schedulesGet = defineCommand({
  args: ['name'],
  flags: [],
  async run({ client, args, io, json }) {
    const view = await client.schedules.get.query({ name: args.name });
    io.out(json ? toJson(view) : describe(view));
    return EXIT.ok;
  },
});

/** pause, resume: the schedule's new view. */
export function schedulesToggle(action: 'pause' | 'resume') {
  return defineCommand({
    args: ['name'],
    flags: [],
    async run({ client, args, io, json }) {
      const view = await client.schedules[action].mutate({ name: args.name });
      io.out(json ? toJson(view) : describe(view));
      return EXIT.ok;
    },
  });
}

export const schedulesRemove = defineCommand({
  args: ['name'],
  flags: [],
  async run({ client, args, io, json }) {
    await client.schedules.remove.mutate({ name: args.name });
    io.out(json ? toJson({ removed: args.name }) : `Removed ${args.name}`);
    return EXIT.ok;
  },
});

export const schedulesRun = defineCommand({
  args: ['name'],
  flags: [],
  async run({ client, args, io, json }) {
    const job = await client.schedules.runNow.mutate({ name: args.name });
    io.out(
      json
        ? toJson(job)
        : `Enqueued ${job.name} as job ${job.id} on queue "${job.queue}"`,
    );
    return EXIT.ok;
  },
});
