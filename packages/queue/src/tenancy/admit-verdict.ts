import { QuotaExceededError } from '@conveyor/core';

/** The admission script's answer: `ok`, or why not (`quota`, `burst`, `rate`) with a number. */
export type AdmitVerdict = [kind: string, value: number];

/** How soon a tenant over its quota should try again (its jobs finish at their own pace). */
const QUOTA_RETRY_AFTER_MS = 1_000;

/** Throws the `QuotaExceededError` the verdict calls for; nothing when it admitted. */
export function assertAdmitted(
  tenant: string,
  count: number,
  [kind, value]: AdmitVerdict,
): void {
  if (kind === 'ok') return;
  if (kind === 'quota')
    throw new QuotaExceededError(
      'quota',
      QUOTA_RETRY_AFTER_MS,
      `Tenant ${tenant} has ${value} unfinished jobs; its quota does not allow ${count} more`,
    );
  if (kind === 'burst')
    throw new QuotaExceededError(
      'rate',
      QUOTA_RETRY_AFTER_MS,
      `A batch of ${count} is larger than tenant ${tenant}'s burst of ${value}`,
    );
  throw new QuotaExceededError(
    'rate',
    value,
    `Tenant ${tenant} is enqueueing faster than its rate limit`,
  );
}
