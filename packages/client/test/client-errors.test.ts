import { isConveyorError } from '@conveyor/client';
import { startHarness, type Harness } from '@conveyor/server/test-support';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const redisUrl = inject('redisUrl');

/** The typed client's rejection, asserted to be an API error. */
async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => expect.fail('the API accepted it'),
    (e: unknown) => e,
  );
  if (!isConveyorError(error)) throw error;
  return error;
}

describe('typed-client errors: a sentence in message, the details in data', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(redisUrl);
  });
  afterAll(() => harness.close());

  it('a bad payload: one sentence naming each field, the issues kept in data', async () => {
    const error = await refusal(
      harness.client.enqueue.mutate({
        name: 'sms.send',
        data: { to: '555-0123', message: '' },
      }),
    );
    expect(error.message).toBe(
      'Invalid input: data.to: Phone number must be in E.164 format, e.g. +14155550123; ' +
        'data.message: Too small: expected string to have >=1 characters',
    );
    expect(error.data?.reason).toBe('INVALID_INPUT');
    expect(error.data?.issues).toEqual([
      expect.objectContaining({
        path: ['data', 'to'],
        message: 'Phone number must be in E.164 format, e.g. +14155550123',
      }),
      expect.objectContaining({
        path: ['data', 'message'],
        message: 'Too small: expected string to have >=1 characters',
      }),
    ]);
  });

  it('many issues: the first three in the sentence, every one in data', async () => {
    const error = await refusal(
      harness.client.jobs.list.query({
        state: 'nope',
        name: 42,
        limit: -1,
        cursor: [],
        extra: true,
      } as never),
    );
    const issues = error.data?.issues ?? [];
    expect(issues.length).toBeGreaterThan(3);
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.message).toMatch(/^Invalid input: state: .+; limit: /);
    expect(error.message).toMatch(
      new RegExp(`; and ${issues.length - 3} more \\(see data\\.issues\\)$`),
    );
    expect(issues.map((issue) => issue.path[0])).toEqual(
      expect.arrayContaining(['state', 'name', 'limit', 'cursor']),
    );
  });
});
