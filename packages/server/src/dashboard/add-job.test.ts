import { defineJob, defineRegistry } from '@conveyor/core';
import { fixtureRegistry } from '@conveyor/fixtures';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addJobName, parseAddJob } from './add-job.ts';
import { contractSchemas, queuePresentation } from './contract-schemas.ts';

const twoJobs = defineRegistry([
  defineJob({
    name: 'a.one',
    queue: 'shared',
    input: z.strictObject({ id: z.string() }),
    result: z.void(),
  }),
  defineJob({
    name: 'a.two',
    queue: 'shared',
    input: z.strictObject({ id: z.string() }),
    result: z.void(),
  }),
]);

describe("the board's add-job form", () => {
  it("takes a queue's only job when the name is left empty, and lists the jobs of a queue with several", () => {
    expect(addJobName(fixtureRegistry, 'default', '__default__')).toEqual({
      name: 'TEST_JOB',
    });
    expect(addJobName(fixtureRegistry, 'default', 'sms.send')).toEqual({
      name: 'sms.send',
    });
    expect(addJobName(twoJobs, 'shared', '__default__')).toEqual({
      message: 'Name the job: the shared queue runs a.one, a.two',
    });
  });

  it('starts the form with the required fields only, which the contract then names when left wrong', () => {
    const shown = queuePresentation(contractSchemas(fixtureRegistry), '/admin');
    const schema = shown.sms?.jobDataSchema as { default: object };
    const required = (contractSchemas(fixtureRegistry)['sms.send']?.input ??
      {}) as {
      required: string[];
    };
    expect(Object.keys(schema.default).sort()).toEqual(
      [...required.required].sort(),
    );
    const parsed = parseAddJob(fixtureRegistry, {
      name: 'TEST_JOB',
      data: { message: '' },
    });
    expect(parsed).toMatchObject({ success: false, field: 'data.message' });
    expect(
      (
        queuePresentation(contractSchemas(twoJobs), '/admin').shared
          ?.jobDataSchema as { default: object }
      ).default,
    ).toEqual({});
  });
});
