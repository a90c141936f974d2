import type { ConveyorRouterInputs as RouterInputs } from '@conveyor/server';
import { CliError } from '../cli-error.ts';
import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { wholeNumber } from '../numbers.ts';
import { formatValue, table, toJson } from '../table.ts';
import {
  isPayloadVersion,
  payloadVersionText,
} from '../payload-version-text.ts';

type ListInput = RouterInputs['history']['list'];

/** `--from 2026-11-01` or a full ISO time; a usage error (exit 2) otherwise. */
function isoDate(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (value.trim() === '' || Number.isNaN(date.getTime()))
    throw new CliError(
      `--${flag} must be an ISO-8601 date or time, got "${value}"`,
      EXIT.invalidInput,
    );
  return date;
}

/** `--from` / `--to`, checked (exit 2 for a date that is none). */
export const range = (flags: { from?: string; to?: string }) => {
  const from = isoDate(flags.from, 'from');
  const to = isoDate(flags.to, 'to');
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
};

const time = (date: Date | null) => (date ? date.toISOString() : '-');

export const historyList = defineCommand({
  args: [],
  flags: [
    'name',
    'state',
    'from',
    'to',
    'text',
    'idempotency-key',
    'limit',
    'cursor',
  ],
  async run({ client, flags, io, json }) {
    const limit = wholeNumber(flags.limit, 'limit');
    const page = await client.history.list.query({
      ...range(flags),
      // The API checks name and state, answering with the valid ones (exit 2).
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      ...(flags.state !== undefined
        ? { state: flags.state as ListInput['state'] }
        : {}),
      ...(flags.text !== undefined ? { text: flags.text } : {}),
      ...(flags['idempotency-key'] !== undefined
        ? { idempotencyKey: flags['idempotency-key'] }
        : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(flags.cursor !== undefined ? { cursor: flags.cursor } : {}),
    });
    if (json) {
      io.out(toJson(page));
      return EXIT.ok;
    }
    io.out(
      table(
        [
          'ID',
          'NAME',
          'STATE',
          'ATTEMPTS',
          'ENQUEUED',
          'FINISHED',
          'LAST ERROR',
        ],
        page.items.map((job) => [
          job.id,
          job.name,
          job.state,
          String(job.attempts),
          time(job.enqueuedAt),
          time(job.finishedAt),
          job.lastError ?? '-',
        ]),
      ),
    );
    // As `list`: on stderr, and the next page needs the same filters.
    if (page.nextCursor) {
      const same = Object.entries({ ...flags, cursor: page.nextCursor })
        .map(([flag, value]) => `--${flag} ${value}`)
        .join(' ');
      io.err(`More: conveyor history list ${same}`);
    }
    return EXIT.ok;
  },
});

export const historyGet = defineCommand({
  args: ['id'],
  flags: [],
  async run({ client, args, io, json }) {
    const { job, attempts } = await client.history.get.query({ id: args.id });
    if (json) {
      io.out(toJson({ job, attempts }));
      return EXIT.ok;
    }
    io.out(
      table(
        ['FIELD', 'VALUE'],
        Object.entries(job).map(([key, value]) => [
          key,
          isPayloadVersion(key, value)
            ? payloadVersionText(value)
            : formatValue(value),
        ]),
      ),
    );
    io.out('');
    io.out(
      attempts.length === 0
        ? 'No attempts yet.'
        : table(
            [
              'RUN',
              'ATTEMPT',
              'OUTCOME',
              'STARTED',
              'ENDED',
              'WORKER',
              'ERROR',
            ],
            attempts.map((a) => [
              String(a.run),
              String(a.attempt),
              a.outcome ?? '-',
              time(a.startedAt),
              time(a.endedAt),
              a.worker ?? '-',
              a.error ?? '-',
            ]),
          ),
    );
    return EXIT.ok;
  },
});

const ms = (n: number | undefined) =>
  n === undefined ? '-' : `${Math.round(n)}ms`;

export const historyStats = defineCommand({
  args: [],
  flags: ['from', 'to'],
  async run({ client, flags, io, json }) {
    const rows = await client.history.stats.query(range(flags));
    if (json) {
      io.out(toJson(rows));
      return EXIT.ok;
    }
    io.out(
      table(
        [
          'DAY',
          'NAME',
          'TOTAL',
          'COMPLETED',
          'FAILED',
          'CANCELLED',
          'P50',
          'P95',
          'P99',
        ],
        rows.map((r) => [
          r.day.toISOString().slice(0, 10),
          r.name,
          String(r.total),
          String(r.counts.completed ?? 0),
          String(r.counts.failed ?? 0),
          String(r.counts.cancelled ?? 0),
          ms(r.durationMs?.p50),
          ms(r.durationMs?.p95),
          ms(r.durationMs?.p99),
        ]),
      ),
    );
    return EXIT.ok;
  },
});
