/**
 * A path below the dashboard's base as the segments Bull Board's router
 * could read it as: Express matches case-insensitively, ignores a trailing
 * slash and decodes parameters, so a decision taken on the raw text could
 * be stepped around (`/API/queues/q/RETRY/failed`, `/q/%65mpty`, `//`).
 * `segments` are decoded (queue names and job ids keep their case);
 * `words` are the same, lower-cased, for comparing with route literals.
 * Null when a segment's percent-encoding is malformed.
 */
export function boardPath(
  pathname: string,
): { segments: string[]; words: string[] } | null {
  const segments: string[] = [];
  for (const raw of pathname.split('/')) {
    if (raw === '') continue;
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      return null;
    }
  }
  return { segments, words: segments.map((s) => s.toLowerCase()) };
}
