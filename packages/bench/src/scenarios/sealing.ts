import {
  defineJob,
  readStoredPayload,
  sensitive,
  type RuntimeJob,
} from '@conveyor/core';
import { encodeSealedEnvelope, openPayload } from '@conveyor/queue';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { measured, type Sample, type Side } from '../context.ts';
import type { Scenario } from '../scenario.ts';

const shape = (to: z.ZodType<string>) =>
  z.strictObject({ to, message: z.string(), userId: z.string() });
const plain = defineJob({
  name: 'bench.plain',
  queue: 'default',
  input: shape(z.string()),
});
const sealed = defineJob({
  name: 'bench.sealed',
  queue: 'default',
  input: shape(sensitive(z.string())),
});

/**
 * 12. What one `sensitive()` field costs per job, in one thread: the
 * producer's envelope step (seal: AES-256-GCM of the field) and the
 * worker's read step (open, then the schema's check). "raw" is the same
 * job without the mark (the path every job without sensitive fields
 * takes: one length check more than before sealing existed); "Conveyor" is
 * the job with one sealed field. Enqueue and read are timed apart, as
 * jobs/s; µs per job in the log.
 */
export const sealingScenario: Scenario = {
  id: 12,
  title:
    'one sensitive() field: seal on enqueue, open on read (raw = the same job unmarked)',
  goals: [],
  before() {
    process.env['CONVEYOR_ENCRYPTION_KEYS'] ??=
      `bench:${randomBytes(32).toString('base64')}`;
    for (const side of ['raw', 'conveyor'] as const) {
      encodeMany(side, 20_000);
      readMany(side, 20_000);
    }
    return Promise.resolve();
  },
  async run(ctx, order) {
    const count = ctx.quick ? 20_000 : 200_000;
    const samples: Sample[] = [];
    for (const side of order) {
      const encodes = await measured(ctx, side, () =>
        Promise.resolve(encodeMany(side, count)),
      );
      const reads = await measured(ctx, side, () =>
        Promise.resolve(readMany(side, count)),
      );
      ctx.log(
        `  ${side === 'raw' ? 'unmarked' : 'one sealed field'}: ${(1e6 / encodes).toFixed(2)} µs per envelope, ${(1e6 / reads).toFixed(2)} µs per read`,
      );
      samples.push({ metric: 'envelopes/s', side, value: encodes });
      samples.push({ metric: 'reads/s', side, value: reads });
    }
    return samples;
  },
};

const jobOf = (side: Side): RuntimeJob => (side === 'raw' ? plain : sealed);
const data = (i: number) => ({
  to: `+1415555${i}`,
  message: `hello ${i}`,
  userId: `u-${i}`,
});

function encodeMany(side: Side, count: number): number {
  const job = jobOf(side);
  let bytes = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    // What prepareJob does per job: the envelope, then its JSON (BullMQ's add).
    const envelope = encodeSealedEnvelope(job, data(i), {
      version: job.version,
    });
    bytes += JSON.stringify(envelope).length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (bytes === 0) throw new Error('nothing encoded');
  return count / seconds;
}

function readMany(side: Side, count: number): number {
  const job = jobOf(side);
  const stored = Array.from(
    { length: 1_000 },
    (_, i) =>
      JSON.parse(JSON.stringify(encodeSealedEnvelope(job, data(i)))) as unknown,
  );
  let checked = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    const read = readStoredPayload(job, stored[i % stored.length], (value) =>
      openPayload(job, 'data', value),
    );
    if (job.input.safeParse(read.payload).success) checked += 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (checked !== count) throw new Error('a payload failed its check');
  return count / seconds;
}
