import { encodeEnvelope, readStoredPayload } from '@conveyor/core';
import { noticeV2 } from '@conveyor/fixtures';
import { measured, type Sample, type Side } from '../context.ts';
import type { Scenario } from '../scenario.ts';

/**
 * 11. What reading an old payload costs the worker: the decode step every
 * attempt runs (envelope → `readStoredPayload` → the current schema's
 * check), on `notice.send` of the versioned fixture. The "raw" column
 * decodes envelopes written at the current version (no upcast); the
 * "Conveyor" column envelopes written at version 1, upcast to 2 on the way.
 * As jobs/s of decoding in one thread; the µs per job are in the log.
 */
export const upcastScenario: Scenario = {
  id: 11,
  title:
    'decode with an upcast: a current payload (raw column) vs a version-1 payload upcast to 2 (Conveyor column)',
  goals: [],
  // Both paths compiled by the JIT before the first repetition counts.
  before() {
    decodeMany('raw', 20_000);
    decodeMany('conveyor', 20_000);
    return Promise.resolve();
  },
  async run(ctx, order) {
    const count = ctx.quick ? 20_000 : 200_000;
    const samples: Sample[] = [];
    for (const side of order) {
      const perSecond = await measured(ctx, side, () =>
        Promise.resolve(decodeMany(side, count)),
      );
      ctx.log(
        `  ${side === 'raw' ? 'current' : 'upcast'}: ${(1e6 / perSecond).toFixed(2)} µs per decode`,
      );
      samples.push({ metric: 'decodes/s', side, value: perSecond });
    }
    return samples;
  },
};

function decodeMany(side: Side, count: number): number {
  // Stored as BullMQ hands them to the worker: parsed JSON of the envelope.
  const stored = Array.from(
    { length: 1_000 },
    (_, i) =>
      JSON.parse(
        JSON.stringify(
          side === 'raw'
            ? encodeEnvelope(
                { to: `+1555${i}`, text: `hello ${i}`, locale: 'en' },
                { version: 2 },
              )
            : encodeEnvelope({ to: `+1555${i}`, body: `hello ${i}` }),
        ),
      ) as unknown,
  );
  let checked = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    const read = readStoredPayload(noticeV2, stored[i % stored.length]);
    if (noticeV2.input.safeParse(read.payload).success) checked += 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (checked !== count) throw new Error('a payload failed its check');
  return count / seconds;
}
