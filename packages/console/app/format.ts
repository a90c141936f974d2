/** A time as the console shows it: local, to the second. */
export function when(date: Date | null | undefined): string {
  return date ? date.toLocaleString() : '—';
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value < 1_000
    ? `${Math.round(value)} ms`
    : `${(value / 1_000).toFixed(1)} s`;
}

/** A value as indented JSON, Dates as ISO text. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'undefined';
}

/** The readable part of an error thrown by the client (tRPC's message). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
