import type { WaitingFor } from '@conveyor/server';

// The CLI's copy of the dashboard's sentence (server/src/dashboard/waiting-for-text.ts):
// the client takes only types from the server, never its code.

const WHY: Record<WaitingFor['reason'], string> = {
  'fair-share': "held: waiting its tenant's turn (fair share)",
  concurrency: 'held: its key is at its concurrency limit',
  'rate-limit': "held: its key's rate limit",
  dispatched: 'dispatched: waiting for a free worker',
};

/** One line for people (`conveyor get`, the dashboard), e.g. `held: its key is at its concurrency limit (key customer-7, position 3 in line, …)`. */
export function waitingForText(waitingFor: WaitingFor): string {
  const details = [
    ...(waitingFor.key === null ? [] : [`key ${waitingFor.key}`]),
    ...(waitingFor.position === undefined
      ? []
      : [`position ${waitingFor.position} in line`]),
    ...(waitingFor.retryAt === undefined
      ? []
      : [`tried again at ${waitingFor.retryAt.toISOString()}`]),
  ];
  const why = WHY[waitingFor.reason];
  return details.length === 0 ? why : `${why} (${details.join(', ')})`;
}
