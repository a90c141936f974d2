import type { CatalogJob } from '@conveyor/server';
import { defineCommand } from '../command.ts';
import { durationText } from '../duration-text.ts';
import { EXIT } from '../exit-codes.ts';
import { schemaSummary } from '../schema-summary.ts';
import { table, toJson } from '../table.ts';

/** `exponential 500ms ±50%`, `ladder 1m,5m,15m`: the wait before each retry. */
function backoffText({ backoff }: CatalogJob['defaults']): string {
  const steps =
    backoff.type === 'ladder'
      ? backoff.delays
          .map((d) => (typeof d === 'number' ? durationText(d) : d))
          .join(',')
      : durationText(backoff.delay);
  const jitter = backoff.jitter ? ` ±${Math.round(backoff.jitter * 100)}%` : '';
  return `${backoff.type} ${steps}${jitter}`;
}

export const jobs = defineCommand({
  args: [],
  flags: [],
  async run({ client, io, json }) {
    const catalog = await client.catalog.list.query();
    io.out(
      json
        ? toJson(catalog)
        : table(
            ['NAME', 'QUEUE', 'ATTEMPTS', 'BACKOFF', 'TIMEOUT', 'INPUT'],
            catalog.map((job) => [
              job.name,
              job.queue,
              String(job.defaults.attempts),
              backoffText(job.defaults),
              durationText(job.defaults.timeoutMs),
              schemaSummary(job.input),
            ]),
          ),
    );
    return EXIT.ok;
  },
});
