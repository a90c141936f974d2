import type { ConveyorRouterOutputs as RouterOutputs } from '@conveyor/server';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../cli-error.ts';
import { defineCommand, type Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import type { Output } from '../output.ts';
import { filterFromFlags } from '../search-filter-flags.ts';
import { table, toJson } from '../table.ts';

type BulkAction = 'retry' | 'redrive' | 'cancel' | 'delete';
type Preview = RouterOutputs['bulk']['preview'];
type Operation = RouterOutputs['bulk']['get'];

const POLL_MS = 500;

/**
 * `bulk <action> [<job>] [filters] [--yes]`: the preview ("this will
 * affect N jobs", a sample), a confirmation (or --yes), then the
 * operation, followed until it ends with a progress line.
 */
export function bulk(action: BulkAction): Command {
  return defineCommand({
    args: [],
    optionalArg: 'job',
    lists: ['where'],
    flags: ['since', 'from', 'to', 'state', 'error'],
    switches: ['yes'],
    async run(ctx) {
      const { client, io, json, switches } = ctx;
      const job = (ctx.args as Partial<Record<'job', string>>).job;
      const filter = await filterFromFlags(ctx, job);
      const preview = await client.bulk.preview.query({ action, filter });
      if (json) io.err(toJson(preview));
      else printPreview(io, preview);
      if (preview.count === 0) return EXIT.ok;
      if (!switches.yes) {
        if (!io.confirm)
          throw new CliError(
            `Not a terminal: nothing was changed. Pass --yes to ${action} these ${preview.count} job(s).`,
            EXIT.invalidInput,
          );
        if (!(await io.confirm(`${capitalized(action)} them?`))) {
          io.err('Nothing was changed.');
          return EXIT.ok;
        }
      }
      const started = await client.bulk.start.mutate({
        action,
        filter,
        listedBy: preview.listedBy,
        // A start sent again (a retried request) finds this one, not a second.
        key: randomUUID(),
      });
      const ended = await follow(ctx.client, started, io);
      if (json) io.out(toJson(ended));
      else io.out(summary(ended));
      return ended.state === 'completed' ? EXIT.ok : EXIT.unexpected;
    },
  });
}

function printPreview(io: Output, preview: Preview): void {
  const more = preview.capped ? 'more than ' : '';
  io.out(
    `This will ${preview.action} ${more}${preview.count} job(s) (listed by ${preview.listedBy.toISOString()}).`,
  );
  if (preview.sample.length === 0) return;
  io.out(
    table(
      ['ID', 'NAME', 'STATE', 'ENQUEUED', 'LAST ERROR'],
      preview.sample.map((j) => [
        j.id,
        j.name,
        j.state,
        j.enqueuedAt ? j.enqueuedAt.toISOString() : '-',
        j.lastError ?? '-',
      ]),
    ),
  );
}

async function follow(
  client: Parameters<Command['run']>[0]['client'],
  started: Operation,
  io: Output,
): Promise<Operation> {
  let op = started;
  while (op.state === 'running') {
    io.status(progressLine(op));
    await sleep(POLL_MS);
    op = await client.bulk.get.query({ id: op.id });
  }
  io.status(progressLine(op));
  return op;
}

function progressLine(op: Operation): string {
  const acted = op.done + op.skipped + op.failed;
  // A capped preview only knows "more than N": the total is unknown until the walk ends.
  const total =
    op.previewed === null
      ? `${op.matched}`
      : `${op.previewedCapped ? 'more than ' : ''}${op.previewed}`;
  return `${op.action} ${op.id}: ${acted} of ${total} (done ${op.done}, skipped ${op.skipped}, failed ${op.failed}) ${op.state}`;
}

function summary(op: Operation): string {
  const reasons = Object.entries(op.skipReasons)
    .map(([reason, n]) => `${n} ${reason}`)
    .join('; ');
  return [
    `${capitalized(op.action)}: ${op.done} done, ${op.skipped} skipped, ${op.failed} failed of ${op.matched} (${op.state}).`,
    ...(reasons ? [`Skipped: ${reasons}.`] : []),
    ...(op.lastError ? [`Last error: ${op.lastError}`] : []),
  ].join('\n');
}

const capitalized = (word: string) =>
  `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
