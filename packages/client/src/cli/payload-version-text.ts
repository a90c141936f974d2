// The CLI's copy of the dashboard's line (server/src/dashboard/board-payload.ts):
// the client takes only types from the server, never its code.

/** A stored payload's input version beside the API contract's (`payloadVersion` on job views). */
export interface PayloadVersionShown {
  stored: number;
  current: number;
}

/** One line for people (`conveyor get`, `conveyor history get`), e.g. `stored as version 1 of 2`. */
export function payloadVersionText({
  stored,
  current,
}: PayloadVersionShown): string {
  return stored > current
    ? `stored as version ${stored}, newer than this contract's ${current}`
    : `stored as version ${stored} of ${current}`;
}

/** A view's field as the CLI's FIELD/VALUE table shows it. */
export function isPayloadVersion(
  key: string,
  value: unknown,
): value is PayloadVersionShown {
  return (
    key === 'payloadVersion' && typeof value === 'object' && value !== null
  );
}
