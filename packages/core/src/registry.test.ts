import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { defineJob } from './define-job.ts';
import { PLATFORM_JOB_DEFAULTS } from './job-defaults.ts';
import { toPayloadIssues } from './errors/index.ts';
import { QUEUES } from '@conveyor/fixtures';
import { defineRegistry, nonEmptyBatch } from './registry.ts';

describe('registry', () => {
  it('lists every catalog job and the queues they use', () => {
    expect([...registry.names].sort()).toEqual([
      'TEST_JOB',
      'content.generate',
      'email.digest',
      'feed.sync',
      'sms.send',
    ]);
    expect([...registry.queues].sort()).toEqual([
      'default',
      'email',
      'feeds',
      'generation',
      'sms',
    ]);
    expect(registry.get('sms.send')?.queue).toBe(QUEUES.sms);
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.get('toString')).toBeUndefined();
  });

  it('derives the enqueue schema: each name validates data with its own schema', () => {
    const ok = registry.enqueueRequest.safeParse({
      name: 'sms.send',
      data: { to: '+14155550123', message: 'hi' },
    });
    expect(ok.success).toBe(true);
    const wrongSchema = registry.enqueueRequest.safeParse({
      name: 'sms.send',
      data: { message: 'hi' },
    });
    expect(wrongSchema.success).toBe(false);
    expect(wrongSchema.error?.issues.map((i) => i.path)).toEqual([
      ['data', 'to'],
    ]);
  });

  it('names the known jobs when the name is unknown', () => {
    const result = registry.enqueueRequest.safeParse({
      name: 'sms.sned',
      data: {},
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['name']);
    expect(result.error?.issues[0]?.message).toContain(
      'Unknown job name; expected one of: TEST_JOB, sms.send, email.digest, feed.sync, content.generate',
    );
  });

  it('rejects unknown top-level keys rather than silently dropping them', () => {
    const result = registry.enqueueRequest.safeParse({
      name: 'TEST_JOB',
      data: { message: 'x' },
      delay: 5,
    });
    expect(result.success).toBe(false);
  });

  it('a new job in the registry is enqueueable with no other change', () => {
    const ping = defineJob({
      name: 'ping',
      queue: QUEUES.default,
      input: z.strictObject({ n: z.number() }),
    });
    const local = defineRegistry([ping]);
    expect(
      local.enqueueRequest.safeParse({ name: 'ping', data: { n: 1 } }).success,
    ).toBe(true);
    expect(
      local.enqueueRequest.safeParse({ name: 'ping', data: { n: 'one' } })
        .success,
    ).toBe(false);
  });

  it('refuses a name defined twice, and names BullMQ cannot store', () => {
    // Literal names are refused by the types too (define-job.test-d.ts);
    // these check the load-time throw, for names only known at run time.
    const a = defineJob({
      name: 'dup',
      queue: QUEUES.default,
      input: z.strictObject({}),
    });
    // @ts-expect-error -- the same job twice does not compile either
    expect(() => defineRegistry([a, a])).toThrow('Job "dup" is defined twice');
    const sameName = defineJob({
      name: String('dup'),
      queue: QUEUES.default,
      input: z.strictObject({}),
    });
    expect(() => defineRegistry([a, sameName])).toThrow(
      'Job "dup" is defined twice',
    );
    expect(() =>
      defineJob({
        name: String('bad:name'),
        queue: QUEUES.default,
        input: z.strictObject({}),
      }),
    ).toThrow(/Invalid job name/);
    expect(() =>
      defineJob({
        name: 'ok',
        queue: String('bad:queue'),
        input: z.strictObject({}),
      }),
    ).toThrow('Job "ok": invalid queue name "bad:queue"');
  });

  it('refuses the batches the types refuse: empty, or an item with an idempotency key', () => {
    const empty = registry.enqueueManyRequest.safeParse({ jobs: [] });
    expect(empty.error?.issues[0]?.path).toEqual(['jobs']);
    const keyed = registry.enqueueManyRequest.safeParse({
      jobs: [
        { name: 'TEST_JOB', data: { message: 'a' } },
        {
          name: 'TEST_JOB',
          data: { message: 'b' },
          options: { idempotencyKey: 'k' },
        },
      ],
    });
    expect(keyed.error?.issues.map((i) => i.path)).toEqual([
      ['jobs', 1, 'options', 'idempotencyKey'],
    ]);
    expect(() => nonEmptyBatch([])).toThrow(/at least one job/);
  });

  it('refuses enqueue numbers out of range (types have no ranges), naming the field', () => {
    const paths = (options: object) =>
      registry.enqueueRequest
        .safeParse({ name: 'TEST_JOB', data: { message: 'x' }, options })
        .error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(paths({ attempts: 11 })).toEqual([
      ['options.attempts', 'TEST_JOB allows at most 10 attempts'],
    ]);
    expect(paths({ priority: 0 })?.[0]?.[0]).toBe('options.priority');
    expect(paths({ delay: -1 })?.[0]?.[0]).toBe('options.delay');
  });

  it('applies platform defaults under each job’s overrides', () => {
    expect(registry.jobs.TEST_JOB.defaults).toEqual(PLATFORM_JOB_DEFAULTS);
    expect(registry.jobs['sms.send'].defaults.attempts).toBe(5);
    expect(registry.jobs['sms.send'].defaults.removeOnFail).toEqual(
      PLATFORM_JOB_DEFAULTS.removeOnFail,
    );
  });
});

describe('payload issues', () => {
  it('carry Zod’s code (and expected type) so clients need not parse messages', () => {
    const result = registry.enqueueRequest.safeParse({
      name: 'email.digest',
      data: {
        userId: 'u',
        period: 'daily',
        startDate: '2026-11-21',
        endDate: new Date(),
      },
    });
    expect(result.success).toBe(false);
    expect(toPayloadIssues(result.error!)).toEqual([
      {
        path: ['data', 'startDate'],
        message: 'Invalid input: expected date, received string',
        code: 'invalid_type',
        expected: 'date',
      },
    ]);
  });
});

describe('catalog schemas', () => {
  const digest = registry.jobs['email.digest'].input;

  it('sms.send wants E.164 and at most 1600 characters', () => {
    const sms = registry.jobs['sms.send'].input;
    expect(
      sms.safeParse({ to: '0415 555 0123', message: 'x' }).error?.issues[0]
        ?.message,
    ).toMatch(/E\.164/);
    expect(
      sms.safeParse({ to: '+14155550123', message: 'x'.repeat(1_601) }).success,
    ).toBe(false);
    expect(
      sms.safeParse({
        to: '+14155550123',
        message: 'x'.repeat(1_600),
        alertId: 'a1',
      }).success,
    ).toBe(true);
  });

  it('email.digest wants real Dates in order', () => {
    const base = { userId: 'u1', period: 'weekly' as const };
    expect(
      digest.safeParse({
        ...base,
        startDate: new Date(1),
        endDate: new Date(2),
      }).success,
    ).toBe(true);
    expect(
      digest.safeParse({
        ...base,
        startDate: '2026-01-01',
        endDate: new Date(2),
      }).success,
    ).toBe(false);
    expect(
      digest.safeParse({
        ...base,
        startDate: new Date(2),
        endDate: new Date(1),
      }).error?.issues[0]?.path,
    ).toEqual(['endDate']);
    expect(
      digest.safeParse({
        ...base,
        period: 'monthly',
        startDate: new Date(1),
        endDate: new Date(2),
      }).success,
    ).toBe(false);
  });
});

describe('rules checked when a job is defined (what types cannot say)', () => {
  const base = { queue: QUEUES.default, input: z.strictObject({}) };

  it('refuses transforms anywhere in a schema, naming the job and the place', () => {
    expect(() =>
      defineJob({
        ...base,
        name: 'cents',
        input: z.strictObject({
          amount: z.number().transform((n) => Math.round(n * 100)),
        }),
      }),
    ).toThrow('Job "cents": input.amount uses a transform');
    expect(() =>
      defineJob({
        ...base,
        name: 'pre',
        result: z.strictObject({
          list: z.array(z.preprocess((v) => v, z.string())),
        }),
      }),
    ).toThrow('Job "pre": result.list.[] uses a transform');
  });

  it('refuses z.object(), which strips unknown keys silently; strict and loose are fine', () => {
    expect(() =>
      defineJob({
        ...base,
        name: 'strip',
        input: z.strictObject({ nested: z.object({ a: z.string() }) }),
      }),
    ).toThrow('Job "strip": input.nested is z.object()');
    expect(() =>
      defineJob({
        ...base,
        name: 'strip.progress',
        progress: z.object({ percent: z.number() }),
      }),
    ).toThrow('Job "strip.progress": progress is z.object()');
    const loose = defineJob({
      ...base,
      name: 'loose',
      input: z.looseObject({ a: z.string().trim().default('x') }),
    });
    expect(loose.input.parse({ a: ' y ', extra: 1 })).toEqual({
      a: 'y',
      extra: 1,
    });
  });

  it('refuses numbers out of range, naming the job and field', () => {
    expect(() =>
      defineJob({ ...base, name: 'zero', defaults: { attempts: 0 } }),
    ).toThrow('Job "zero": defaults.attempts: Too small');
    expect(() =>
      defineJob({
        ...base,
        name: 'jitter',
        defaults: { backoff: { type: 'fixed', delay: 100, jitter: 2 } },
      }),
    ).toThrow('Job "jitter": defaults.backoff.jitter: Too big');
    expect(() =>
      defineJob({ ...base, name: 'ttl', limits: { idempotencyTtlMs: 5 } }),
    ).toThrow('Job "ttl": limits.idempotencyTtlMs: Too small');
    // What types cannot say: ranges, and one limit bounding another.
    expect(() =>
      defineJob({ ...base, name: 'many', limits: { maxAttempts: 1_001 } }),
    ).toThrow('Job "many": limits.maxAttempts: Too big');
    expect(() =>
      defineJob({ ...base, name: 'half', limits: { maxAttempts: 1.5 } }),
    ).toThrow('Job "half": limits.maxAttempts');
    expect(() =>
      defineJob({ ...base, name: 'tiny', limits: { maxPayloadBytes: 512 } }),
    ).toThrow('Job "tiny": limits.maxPayloadBytes: Too small');
    expect(() =>
      defineJob({
        ...base,
        name: 'over',
        defaults: { attempts: 5 },
        limits: { maxAttempts: 3 },
      }),
    ).toThrow('Job "over": default attempts (5) exceed limits.maxAttempts (3)');
    expect(() =>
      defineJob({
        ...base,
        name: 'typo',
        defaults: {
          backoff: { type: 'exponental', delay: 1 } as unknown as {
            type: 'fixed';
            delay: number;
          },
        },
      }),
    ).toThrow('Job "typo": defaults.backoff');
  });
});

describe('read filters', () => {
  it('take only the catalog’s names, and say which exist', () => {
    expect(registry.jobName.safeParse('sms.send').success).toBe(true);
    expect(
      registry.jobName.safeParse('sms.sned').error?.issues[0]?.message,
    ).toBe(
      'Unknown job name; expected one of: TEST_JOB, sms.send, email.digest, feed.sync, content.generate',
    );
  });
});
