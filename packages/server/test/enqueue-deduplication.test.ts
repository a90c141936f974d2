import { defineRegistry } from '@conveyor/core';
import { dedupeJob, defineDedupeJob } from '@conveyor/fixtures';
import { createRedisClient } from '@conveyor/queue';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { pino } from 'pino';
import { afterEach, expect, inject, it } from 'vitest';
import { LOCAL_PRINCIPAL } from '../src/auth/principal.ts';
import { createContextInner } from '../src/context.ts';
import { createConveyorRouter } from '../src/create-conveyor-router.ts';
import { createServices } from '../src/domain/create-services.ts';
import { createCallerFactory } from '../src/trpc.ts';

const redisUrl = inject('redisUrl');
const logger = pino({ level: 'silent' });
const registry = defineRegistry([
  dedupeJob,
  defineDedupeJob('dedupe.simple', 'simple'),
]);
const createCaller = createCallerFactory(createConveyorRouter(registry));

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function caller() {
  const prefix = uniquePrefix('dedup-api');
  const services = createServices({
    registry,
    redis: createRedisClient(redisUrl, { preset: 'api' }),
    logger,
    prefix,
  });
  cleanup.push(() => deletePrefix(redisUrl, prefix));
  cleanup.push(() => services.close());
  return createCaller(
    createContextInner({ services, logger }, LOCAL_PRINCIPAL),
  );
}

it('the enqueue answer says what deduplication made of it, and jobs.get shows it', async () => {
  const api = caller();
  const data = (note: string) => ({ userId: 'u1', note });
  const a = await api.enqueue({ name: 'dedupe.digest', data: data('a') });
  expect(a.deduplicated).toBeUndefined();
  const b = await api.enqueue({ name: 'dedupe.digest', data: data('b') });
  expect(b.deduplicated).toEqual({
    outcome: 'replaced',
    into: b.id,
    replaced: a.id,
  });
  const view = await api.jobs.get({ id: b.id });
  expect(view.state).toBe('delayed');
  expect(view.data).toEqual(data('b'));
  expect(view.deduplication).toEqual({
    mode: 'debounce',
    key: 'u1',
    absorbed: 1,
  });

  const first = await api.enqueue({ name: 'dedupe.simple', data: data('x') });
  const again = await api.enqueue({ name: 'dedupe.simple', data: data('y') });
  expect(again).toEqual({
    id: first.id,
    name: 'dedupe.simple',
    queue: 'default',
    replayed: false,
    deduplicated: { outcome: 'joined', into: first.id },
  });
});
