import type { WaitingFor } from '@conveyor/core';

const WHY: Record<WaitingFor['reason'], string> = {
  'fair-share': "held: waiting its tenant's turn (fair share)",
  concurrency: 'held: its key is at its concurrency limit',
  'rate-limit': "held: its key's rate limit",
  dispatched: 'dispatched: waiting for a free worker',
  version:
    'handed back: written with a newer input version than the worker knows',
};

/** One line for people (`conveyor get`, the dashboard), e.g. `held: its key is at its concurrency limit (key customer-7, position 3 in line, …)`. */
export function waitingForText(waitingFor: WaitingFor): string {
  const handedBack = versionText(waitingFor);
  const details = [
    ...(waitingFor.key === null ? [] : [`key ${waitingFor.key}`]),
    ...(waitingFor.position === undefined
      ? []
      : [`position ${waitingFor.position} in line`]),
    ...(waitingFor.handBacks === undefined
      ? []
      : [
          `handed back ${waitingFor.handBacks} time${waitingFor.handBacks === 1 ? '' : 's'}`,
        ]),
    ...(waitingFor.retryAt === undefined
      ? []
      : [`tried again at ${waitingFor.retryAt.toISOString()}`]),
  ];
  const why = handedBack ?? WHY[waitingFor.reason];
  return details.length === 0 ? why : `${why} (${details.join(', ')})`;
}

/**
 * `handed back: written with version 2 of its input, the worker that took
 * it knows version 1; waiting for a worker that knows version 2 (handed
 * back 3 times, tried again at …)`; null for any other reason.
 */
function versionText(waitingFor: WaitingFor): string | null {
  const { reason, storedVersion, knownVersion } = waitingFor;
  if (reason !== 'version' || storedVersion === undefined) return null;
  if (knownVersion === 0)
    return 'handed back: the worker that took it does not know this job; waiting for a worker that does';
  const known =
    knownVersion === undefined ? 'an older one' : `version ${knownVersion}`;
  return `handed back: written with version ${storedVersion} of its input, the worker that took it knows ${known}; waiting for a worker that knows version ${storedVersion}`;
}
