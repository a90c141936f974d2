import { createTestDatabase } from '@conveyor/testkit';
import type { FixtureClient } from './fixture-router.ts';
import { startHarness, type Harness } from './harness.ts';
import { scriptedProcessors } from './scripted-processors.ts';

/** A harness with history on (a database of its own), scripted processors, and token-minting. */
export interface HistoryHarness {
  harness: Harness;
  /** A client with a new token for `tenantId` (producer unless said), and the token's id. */
  clientFor(
    tenantId: string,
    role?: 'producer' | 'viewer',
    jobs?: ['sms.send'],
  ): Promise<{ client: FixtureClient; tokenId: string }>;
  close(): Promise<void>;
}

export async function startHistoryHarness(
  urls: { redisUrl: string; postgresUrl: string },
  adminToken: string,
): Promise<HistoryHarness> {
  const database = await createTestDatabase(urls.postgresUrl);
  const harness = await startHarness(urls.redisUrl, {
    adminToken,
    processors: scriptedProcessors(),
    history: { databaseUrl: database.url },
  });
  return {
    harness,
    async clientFor(tenantId, role = 'producer', jobs) {
      const created = await harness.client.tokens.create.mutate({
        tenantId,
        role,
        ...(jobs ? { jobs } : {}),
      });
      return {
        client: harness.clientWith(created.token),
        tokenId: created.record.id,
      };
    },
    async close() {
      await harness.close();
      await database.drop();
    },
  };
}
