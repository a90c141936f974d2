import { isConveyorError } from '@conveyor/client';
import { waitFor } from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FixtureClient } from './support/fixture-router.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';

const adminToken = randomBytes(32).toString('base64url');

/** `jobs.retryMany`: a preview count, then each matching failed job as `jobs.retry` would. */
describe('retrying many failed jobs', () => {
  let harness: Harness;
  let acme: FixtureClient;
  let globex: FixtureClient;
  const seen: { name: string; payload: unknown }[] = [];
  let made = 0;

  beforeAll(async () => {
    harness = await startHarness(inject('redisUrl'), {
      adminToken,
      processors: scriptedProcessors(seen),
    });
    const producer = async (tenantId: string) =>
      harness.clientWith(
        (
          await harness.client.tokens.create.mutate({
            tenantId,
            role: 'producer',
          })
        ).token,
      );
    acme = await producer('acme');
    globex = await producer('globex');
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
  });

  /** A job that fails every run, told apart by its message. */
  const failedOnce = async (client: FixtureClient) => {
    made += 1;
    const { id } = await client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: `always-fail:${made}` },
      options: { attempts: 1 },
    });
    await waitFor(async () =>
      (await client.jobs.get.query({ id })).state === 'failed' ? id : undefined,
    );
    return { id, message: `always-fail:${made}` };
  };
  const runs = (job: { message: string }) =>
    seen.filter(
      (s) => (s.payload as { message: string }).message === job.message,
    ).length;
  const stateOf = async (client: FixtureClient, id: string) =>
    (await client.jobs.get.query({ id })).state;

  it("previews, then retries only the caller's tenant's failed jobs", async () => {
    const ours = [await failedOnce(acme), await failedOnce(acme)];
    const theirs = await failedOnce(globex);

    const preview = await acme.jobs.retryMany.mutate({
      state: 'failed',
      name: 'TEST_JOB',
      dryRun: true,
    });
    expect(preview).toEqual({ matched: 2, retried: 0, skipped: 0 });
    expect(ours.map(runs)).toEqual([1, 1]);

    const done = await acme.jobs.retryMany.mutate({
      state: 'failed',
      queue: 'default',
      dryRun: false,
    });
    expect(done).toEqual({ matched: 2, retried: 2, skipped: 0 });
    await waitFor(() =>
      ours.every((job) => runs(job) === 2) ? true : undefined,
    );
    expect(runs(theirs)).toBe(1);
    expect(await stateOf(globex, theirs.id)).toBe('failed');
    await expect(
      globex.jobs.retryMany.mutate({ state: 'failed', dryRun: true }),
    ).resolves.toMatchObject({ matched: 1 });
  });

  it('matches nothing of another job name or queue', async () => {
    await failedOnce(acme);
    await expect(
      acme.jobs.retryMany.mutate({
        state: 'failed',
        name: 'sms.send',
        dryRun: true,
      }),
    ).resolves.toEqual({ matched: 0, retried: 0, skipped: 0 });
    await expect(
      acme.jobs.retryMany.mutate({
        state: 'failed',
        queue: 'sms',
        dryRun: false,
      }),
    ).resolves.toEqual({ matched: 0, retried: 0, skipped: 0 });
  });

  it('answers a state other than failed, or an unknown queue, with a 400 and retries nothing', async () => {
    const { id } = await failedOnce(acme);
    for (const input of [
      { state: 'completed', dryRun: false },
      { state: 'failed', queue: 'nope', dryRun: false },
    ]) {
      const error = await acme.jobs.retryMany
        .mutate(input as never)
        .catch((e: unknown) => e);
      expect(isConveyorError(error) && error.data?.code).toBe('BAD_REQUEST');
    }
    expect(await stateOf(acme, id)).toBe('failed');
  });

  it('is refused to a viewer', async () => {
    const { token } = await harness.client.tokens.create.mutate({
      tenantId: 'acme',
      role: 'viewer',
    });
    const error = await harness
      .clientWith(token)
      .jobs.retryMany.mutate({ state: 'failed', dryRun: true })
      .catch((e: unknown) => e);
    expect(isConveyorError(error) && error.data?.code).toBe('FORBIDDEN');
  });
});
